/* ISC license. */

#include <skalibs/stralloc.h>
#include <berth/smtpc.h>

int smtpc_encode_close (stralloc *out, unsigned int *state)
{
  if (*state != SMTPC_ENC_BOL && !stralloc_catb(out, "\r\n", 2)) return 0 ;
  *state = SMTPC_ENC_BOL ;
  return 1 ;
}
