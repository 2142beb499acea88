/* ISC license. */

#include <errno.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <berth/control.h>

int control_readlines (stralloc *sa, char const *file)
{
  stralloc raw = STRALLOC_ZERO ;
  int r ;
  sa->len = 0 ;
  if (!openslurpclose(&raw, file)) return errno == ENOENT ? 0 : -1 ;
  r = control_parselines(sa, raw.s, raw.len) ;
  stralloc_free(&raw) ;
  return r ? 1 : -1 ;
}
