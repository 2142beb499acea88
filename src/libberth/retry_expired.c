/* ISC license. */

#include <berth/retry.h>

int retry_expired (uint64_t birth, uint64_t now, unsigned long lifetime, unsigned long scale)
{
  uint64_t s = scale ? scale : 1 ;
  uint64_t age = now > birth ? now - birth : 0 ;
  return age * s >= (uint64_t)lifetime * 1000 ;
}
