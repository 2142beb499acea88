/* ISC license. */

#include <berth/smtpc.h>

int smtpc_encode (stralloc *out, char const *s, size_t len, unsigned int *state)
{
  return smtpc_encode_lines(out, s, len, state, 1) ;
}
