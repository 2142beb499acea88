/* ISC license. */
/* The queue tools: the clock in unix milliseconds. */

#include <time.h>
#include <berth/qtool.h>

uint64_t qtool_now (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_REALTIME, &ts) ;
  return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}
