/* ISC license. */

/* key=value log fields under one quoting rule (berth/logfield.h). Trust: val is anyone's (an
   address from a stranger, a remote server's reply): nothing in it can forge a field. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/logfield.h>

static int put (stralloc *sa, char const *key, char const *val, size_t len, int quoted)
{
  static char const hex[] = "0123456789abcdef" ;
  size_t klen = strlen(key) ;
  if (!stralloc_readyplus(sa, klen + 4 + 4 * len)) return 0 ;
  sa->s[sa->len++] = ' ' ;
  memcpy(sa->s + sa->len, key, klen) ; sa->len += klen ;
  sa->s[sa->len++] = '=' ;
  if (quoted) sa->s[sa->len++] = '"' ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = val[i] ;
    if (c < 32 || c >= 127 || c == '\\' || c == '"' || (!quoted && (c == ' ' || c == '=')))
    {
      sa->s[sa->len++] = '\\' ; sa->s[sa->len++] = 'x' ;
      sa->s[sa->len++] = hex[c >> 4] ; sa->s[sa->len++] = hex[c & 15] ;
    }
    else sa->s[sa->len++] = c ;
  }
  if (quoted) sa->s[sa->len++] = '"' ;
  return 1 ;
}

int logfield_cat (stralloc *sa, char const *key, char const *val, size_t len)
{
  return put(sa, key, val, len, 0) ;
}

int logfield_catq (stralloc *sa, char const *key, char const *val, size_t len)
{
  return put(sa, key, val, len, 1) ;
}
