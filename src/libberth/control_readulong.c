/* ISC license. */

#include <errno.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/control.h>

int control_readulong (unsigned long *u, char const *file, unsigned long dflt)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = control_readline(&sa, file, 0) ;
  if (r < 0) { stralloc_free(&sa) ; return -1 ; }
  if (!r || !sa.len) *u = dflt ;
  else if (!ulong0_scan(sa.s, u)) { stralloc_free(&sa) ; errno = EINVAL ; return 0 ; }
  stralloc_free(&sa) ;
  return 1 ;
}
