/* ISC license. */

#include <string.h>
#include <skalibs/types.h>
#include <berth/queue.h>

/* Queue ids in arrival order: by seconds, then microseconds ("<sec>.<usec>.<pid>"), then bytes. */
int queue_id_cmp (char const *x, char const *y)
{
  uint64_t xs = 0, ys = 0 ;
  unsigned long xu = 0, yu = 0 ;
  size_t i = uint64_scan(x, &xs), j = uint64_scan(y, &ys) ;
  if (xs != ys) return xs < ys ? -1 : 1 ;
  if (x[i] == '.') ulong_scan(x + i + 1, &xu) ;
  if (y[j] == '.') ulong_scan(y + j + 1, &yu) ;
  if (xu != yu) return xu < yu ? -1 : 1 ;
  return strcmp(x, y) ;
}
