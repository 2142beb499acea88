/* ISC license. */

#include <string.h>
#include <berth/rcvd.h>

int rcvd_safe (stralloc *sa, char const *x, size_t len)
{
  size_t i = 0 ;
  if (len > RCVD_FIELD_MAX) len = RCVD_FIELD_MAX ;
  if (!stralloc_readyplus(sa, len)) return 0 ;
  for (; i < len ; i++)
  {
    unsigned char c = x[i] ;
    sa->s[sa->len++] = (c < 33 || c > 126 || strchr("()[]\\;<>\"", c)) ? '?' : c ;
  }
  return 1 ;
}
