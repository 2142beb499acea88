/* ISC license. */
/* Time and the retry schedule: qmail's next = birth + (isqrt(age) + chanskip)^2, computed in
   scaled seconds (control/retryscale divides every delay, for tests). */

#include <time.h>
#include "send.h"

uint64_t now_ms (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_REALTIME, &ts) ;
  return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}

static uint64_t isqrt (uint64_t x)
{
  uint64_t r = 0, bit = (uint64_t)1 << 62 ;
  while (bit > x) bit >>= 2 ;
  while (bit)
  {
    if (x >= r + bit) { x -= r + bit ; r = (r >> 1) + bit ; }
    else r >>= 1 ;
    bit >>= 2 ;
  }
  return r ;
}

/* all arithmetic in milliseconds of scaled time: age_s = age_ms * scale / 1000 */
uint64_t retry_next (ctx const *c, uint64_t birth, uint64_t now, unsigned int chan)
{
  uint64_t scale = c->scale ? c->scale : 1 ;
  uint64_t age = now > birth ? now - birth : 0 ;
  uint64_t vage = age * scale / 1000 ;
  uint64_t k = isqrt(vage) + (chan == CHAN_LOCAL ? CHANSKIP_LOCAL : CHANSKIP_REMOTE) ;
  uint64_t next = birth + k * k * 1000 / scale ;
  return next > now ? next : now + 1 ;
}

int lifetime_over (ctx const *c, uint64_t birth, uint64_t now)
{
  uint64_t scale = c->scale ? c->scale : 1 ;
  uint64_t age = now > birth ? now - birth : 0 ;
  return age * scale >= (uint64_t)c->lifetime * 1000 ;
}
