/* ISC license. */

#include <skalibs/types.h>
#include <berth/queue.h>

size_t queue_id_fmt (char *id, uint64_t sec, unsigned long usec, unsigned long pid)
{
  size_t n = uint64_fmt(id, sec) ;
  id[n++] = '.' ;
  n += ulong0_fmt(id + n, usec, 6) ;
  id[n++] = '.' ;
  n += ulong_fmt(id + n, pid) ;
  id[n] = 0 ;
  return n ;
}
