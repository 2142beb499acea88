/* ISC license. */

#include <errno.h>
#include <berth/nsin.h>

int nsin_comma (buffer *b, tain const *deadline)
{
  char c ;
  if (nsin_get(b, &c, 1, deadline) < 0) return -1 ;
  return c == ',' ? 1 : (errno = EPROTO, -1) ;
}
