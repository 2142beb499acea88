/* ISC license. */
/* The name of a pool slot (queue.h): queue/pool/s<n>. */

#include <string.h>
#include <skalibs/types.h>
#include <berth/queue.h>

char *queue_pool_slot (char *s, unsigned int n)
{
  size_t k = sizeof(QUEUE_POOL) - 1 ;
  memcpy(s, QUEUE_POOL "/s", k + 2) ;
  k += 2 ;
  s[k + uint_fmt(s + k, n % QUEUE_POOL_SLOTS)] = 0 ;
  return s ;
}
