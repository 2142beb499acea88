/* ISC license. */

#include <errno.h>
#include <skalibs/unix-timed.h>
#include <berth/nsin.h>

#define DROP_CHUNK 4096

static int getb (buffer *b, char *s, size_t n, tain const *deadline)
{
  tain stamp ;
  size_t w ;
  tain_now(&stamp) ;
  errno = 0 ;
  w = buffer_timed_get(b, s, n, deadline, &stamp) ;
  if (w == n) return 1 ;
  if (!errno || errno == EAGAIN || errno == EWOULDBLOCK) errno = EPIPE ;   /* EOF */
  return -1 ;
}

int nsin_get (buffer *b, char *s, size_t n, tain const *deadline)
{
  char tmp[DROP_CHUNK] ;
  if (s) return getb(b, s, n, deadline) ;
  while (n)
  {
    size_t k = n < DROP_CHUNK ? n : DROP_CHUNK ;
    if (getb(b, tmp, k, deadline) < 0) return -1 ;
    n -= k ;
  }
  return 1 ;
}
