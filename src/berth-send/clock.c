/* ISC license. */
/* The channel's retry schedule (berth/retry.h). */

#include <berth/retry.h>
#include "send.h"

uint64_t chan_retry (ctx const *c, uint64_t birth, uint64_t now, unsigned int chan)
{
  return retry_next(birth, now, chan == CHAN_LOCAL ? RETRY_CHANSKIP_LOCAL : RETRY_CHANSKIP_REMOTE, c->scale) ;
}

int lifetime_over (ctx const *c, uint64_t birth, uint64_t now)
{
  return retry_expired(birth, now, c->lifetime, c->scale) ;
}
