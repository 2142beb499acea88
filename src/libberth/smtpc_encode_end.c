/* ISC license. */

#include <skalibs/stralloc.h>
#include <berth/smtpc.h>

int smtpc_encode_end (stralloc *out, unsigned int *state)
{
  return smtpc_encode_close(out, state) && stralloc_catb(out, ".\r\n", 3) ;
}
