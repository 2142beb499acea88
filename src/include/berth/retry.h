/* ISC license. */
/* qmail-send's retry schedule: next = birth + (isqrt(now - birth) + chanskip)^2 seconds, in
   milliseconds, with every delay divided by scale (control/retryscale, for tests). */
#ifndef BERTH_RETRY_H
#define BERTH_RETRY_H

#include <stdint.h>

#define RETRY_CHANSKIP_LOCAL 10
#define RETRY_CHANSKIP_REMOTE 20

/* The next attempt (ms) after a deferral at now (ms); always later than now. */
extern uint64_t retry_next (uint64_t birth, uint64_t now, unsigned int chanskip, unsigned long scale) ;

/* 1 when now - birth, scaled, has reached lifetime seconds. */
extern int retry_expired (uint64_t birth, uint64_t now, unsigned long lifetime, unsigned long scale) ;

#endif
