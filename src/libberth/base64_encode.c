/* ISC license. */
/* RFC 4648 base64 encoding (section 4 alphabet, padded), for berth-remote's AUTH (RFC 4954).
   Trust: the input is the administrator's credentials; the output is sent to the server only. */

#include <skalibs/stralloc.h>
#include <berth/base64.h>

static char const alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" ;

int base64_encode (stralloc *sa, char const *in, size_t len)
{
  unsigned char const *s = (unsigned char const *)in ;
  if (!stralloc_readyplus(sa, (len + 2) / 3 * 4)) return 0 ;
  for (size_t i = 0 ; i < len ; i += 3)
  {
    unsigned long v = (unsigned long)s[i] << 16 ;
    size_t left = len - i ;
    if (left > 1) v |= (unsigned long)s[i+1] << 8 ;
    if (left > 2) v |= s[i+2] ;
    sa->s[sa->len++] = alphabet[(v >> 18) & 63] ;
    sa->s[sa->len++] = alphabet[(v >> 12) & 63] ;
    sa->s[sa->len++] = left > 1 ? alphabet[(v >> 6) & 63] : '=' ;
    sa->s[sa->len++] = left > 2 ? alphabet[v & 63] : '=' ;
  }
  return 1 ;
}
