/* ISC license. */
/* Counted writes to the message pipe. */

#include <string.h>
#include <skalibs/buffer.h>
#include <berth/date822.h>
#include "bounce.h"

int wput (wout *w, char const *s, size_t n)
{
  if (buffer_put(&w->b, s, n) < 0) return 0 ;
  w->bytes += n ;
  return 1 ;
}

int wputs (wout *w, char const *s)
{
  return wput(w, s, strlen(s)) ;
}

int wputsa (wout *w, stralloc const *sa)
{
  return wput(w, sa->s, sa->len) ;
}

int wdate (wout *w, uint64_t t)
{
  char buf[DATE822_FMT] ;
  size_t n = date822_fmt(buf, (time_t)t) ;
  return wput(w, buf, n) ;
}
