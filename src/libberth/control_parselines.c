/* ISC license. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/control.h>

int control_parselines (stralloc *sa, char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len)
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    size_t end = nl ? (size_t)(nl - s) : len ;
    size_t n = end - i ;
    while (n && (s[i+n-1] == ' ' || s[i+n-1] == '\t' || s[i+n-1] == '\r')) n-- ;
    /* a line holding a NUL is corrupt: dropped whole, never cut into several entries */
    if (n && s[i] != '#' && !memchr(s + i, 0, n))
      if (!stralloc_catb(sa, s + i, n) || !stralloc_0(sa)) return 0 ;
    i = end + 1 ;
  }
  return 1 ;
}
