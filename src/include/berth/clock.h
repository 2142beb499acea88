/* ISC license. */
/* The clocks, one per purpose, both skalibs':
   - the wall clock (dates, queue ids, times stored in the queue or shown to people): berth_clock_read,
     which is skalibs' tain_wallclock_read given back as unix time (the system clock, UTC);
   - deadlines and timeouts: skalibs' STAMP, read with tain_now_g. A program that waits on
     deadlines calls tain_now_set_stopwatch_g once in main, so that they are monotonic; berth-send
     leaves STAMP on the wall clock, as its schedule is in wall-clock milliseconds.
   No program reads time(), clock_gettime or gettimeofday itself. Trust: none (no input). */
#ifndef BERTH_CLOCK_H
#define BERTH_CLOCK_H

#include <stdint.h>
#include <time.h>

/* The wall clock as unix time. 1, or 0 (errno set) with ts zeroed: the system clock could not be
   read, which Linux never does for the real-time clock. */
extern int berth_clock_read (struct timespec *ts) ;

/* unix milliseconds now (0 if the clock cannot be read) */
extern uint64_t berth_clock_ms (void) ;

#endif
