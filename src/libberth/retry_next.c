/* ISC license. */

#include <berth/retry.h>

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

uint64_t retry_next (uint64_t birth, uint64_t now, unsigned int chanskip, unsigned long scale)
{
  uint64_t s = scale ? scale : 1 ;
  uint64_t age = now > birth ? now - birth : 0 ;
  uint64_t k = isqrt(age * s / 1000) + chanskip ;
  uint64_t next = birth + k * k * 1000 / s ;
  return next > now ? next : now + 1 ;
}
