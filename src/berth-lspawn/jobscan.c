/* ISC license. */
/* The framing of one job from berth-send: a slot byte, then (<id>\0<sender>\0<rcpt>\0)*, then
   \0. Trust: jobs come from berth-send; they are still only read within the bytes received. */

#include <string.h>
#include "lspawn.h"

size_t job_scan (char const *s, size_t len, char const **f, unsigned int *nrcpt)
{
  size_t p = 1 ;
  *nrcpt = 0 ;
  f[0] = f[1] = f[2] = 0 ;
  while (p < len)
  {
    if (!s[p]) return p + 1 ;
    for (unsigned int k = 0 ; k < 3 ; k++)
    {
      char const *z = p < len ? memchr(s + p, 0, len - p) : 0 ;
      if (!z) return 0 ;
      if (!*nrcpt) f[k] = s + p ;
      p = z - s + 1 ;
      if (k == 2) (*nrcpt)++ ;
    }
  }
  return 0 ;
}
