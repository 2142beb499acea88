/* ISC license. */
/* berth_clock_read gives unix time (the system clock), not TAI: it agrees with the kernel's
   real-time clock to within a second, and berth_clock_ms with it. */

#include <time.h>
#include <berth/clock.h>
#include "tap.h"

int main (void)
{
  struct timespec k, b ;
  uint64_t ms, kms ;
  int r ;
  TAP_PLAN(3) ;
  clock_gettime(CLOCK_REALTIME, &k) ;
  r = berth_clock_read(&b) ;
  TAP_OK(r == 1 && b.tv_nsec >= 0 && b.tv_nsec < 1000000000, "berth_clock_read reads the clock") ;
  TAP_OK(b.tv_sec >= k.tv_sec && b.tv_sec - k.tv_sec <= 1, "unix time, not TAI (kernel %ld, berth %ld)", (long)k.tv_sec, (long)b.tv_sec) ;
  ms = berth_clock_ms() ;
  kms = (uint64_t)k.tv_sec * 1000 + k.tv_nsec / 1000000 ;
  TAP_OK(ms >= kms && ms - kms < 1000, "berth_clock_ms in unix milliseconds") ;
  return TAP_DONE() ;
}
