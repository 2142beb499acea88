/* ISC license. */

#include <errno.h>
#include <skalibs/unix-timed.h>
#include <berth/nsin.h>

#define DROP_CHUNK 4096

int nsin_get (buffer *b, char *s, size_t n, tain const *deadline)
{
  char tmp[DROP_CHUNK] ;
  tain stamp ;
  while (n)
  {
    size_t want = s ? n : (n < DROP_CHUNK ? n : DROP_CHUNK) ;
    size_t w ;
    tain_now(&stamp) ;
    errno = 0 ;
    w = buffer_timed_get(b, s ? s : tmp, want, deadline, &stamp) ;
    if (w < want)
    {
      if (!errno || errno == EAGAIN || errno == EWOULDBLOCK) errno = EPIPE ;   /* EOF */
      return -1 ;
    }
    if (s) s += w ;
    n -= w ;
  }
  return 1 ;
}
