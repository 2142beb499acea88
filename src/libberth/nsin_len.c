/* ISC license. */

#include <errno.h>
#include <berth/nsin.h>

ssize_t nsin_len (buffer *b, size_t *len, tain const *deadline)
{
  size_t u = 0 ;
  unsigned int n = 0 ;
  for (;;)
  {
    char c ;
    int r = nsin_get(b, &c, 1, deadline) ;
    if (r < 0) return (!n && errno == EPIPE) ? 0 : -1 ;
    if (c == ':' && n) break ;
    if (c < '0' || c > '9' || n == NSIN_DIGITS) return (errno = EPROTO, -1) ;
    u = u * 10 + (size_t)(c - '0') ;
    n++ ;
  }
  *len = u ;
  return (ssize_t)n + 1 ;
}
