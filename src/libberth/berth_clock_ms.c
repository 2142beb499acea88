/* ISC license. */

#include <berth/clock.h>

uint64_t berth_clock_ms (void)
{
  struct timespec ts ;
  berth_clock_read(&ts) ;
  return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}
