/* ISC license. */

#include <skalibs/tai.h>
#include <berth/clock.h>

/* timespec_sysclock_from_tain, not timespec_from_tain: the latter gives TAI, which is ahead of
   unix time by the leap seconds (37 s in 2025). */
int berth_clock_read (struct timespec *ts)
{
  tain t ;
  if (tain_wallclock_read(&t) && timespec_sysclock_from_tain(ts, &t)) return 1 ;
  ts->tv_sec = 0 ; ts->tv_nsec = 0 ;
  return 0 ;
}
