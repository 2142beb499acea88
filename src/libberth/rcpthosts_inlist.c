/* ISC license. */

#include <string.h>
#include <skalibs/bytestr.h>
#include <berth/rcpthosts.h>

int rcpthosts_inlist (stralloc const *sa, char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < sa->len)
  {
    size_t n = strlen(sa->s + i) ;
    if (n == len && !case_diffb(sa->s + i, len, s)) return 1 ;
    i += n + 1 ;
  }
  return 0 ;
}
