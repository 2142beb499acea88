/* ISC license. */
/* berth_sibling (berth/sibling.h): the path of a program next to the running one. Every program
   that runs or locates another program of the suite, or its instance from its own bin/, asks here.
   Trust: /proc/self/exe is the kernel's word for the running binary, whatever argv[0] and the
   environment say (set-uid berth-queue relies on it); the name is the caller's constant. */

#include <errno.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/sibling.h>

#define SELF_EXE "/proc/self/exe"

int berth_sibling (stralloc *sa, char const *name)
{
  size_t base = sa->len ;
  size_t slash ;
  if (sareadlink(sa, SELF_EXE) < 0) return 0 ;
  slash = sa->len ;
  while (slash > base && sa->s[slash - 1] != '/') slash-- ;
  if (slash == base) { sa->len = base ; errno = EINVAL ; return 0 ; }
  sa->len = slash ;
  if (!stralloc_cats(sa, name) || !stralloc_0(sa)) { sa->len = base ; return 0 ; }
  return 1 ;
}
