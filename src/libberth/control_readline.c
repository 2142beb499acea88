/* ISC license. */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <berth/control.h>

int control_readline (stralloc *sa, char const *file, char const *dflt)
{
  size_t n ;
  char *nl ;
  sa->len = 0 ;
  if (!openslurpclose(sa, file))
  {
    if (errno != ENOENT) return -1 ;
    sa->len = 0 ;
    if (dflt && !stralloc_copys(sa, dflt)) return -1 ;
    if (!stralloc_0(sa)) return -1 ;
    sa->len-- ;
    return 0 ;
  }
  nl = sa->len ? memchr(sa->s, '\n', sa->len) : 0 ;
  n = nl ? (size_t)(nl - sa->s) : sa->len ;
  while (n && (sa->s[n-1] == ' ' || sa->s[n-1] == '\t' || sa->s[n-1] == '\r')) n-- ;
  sa->len = n ;
  if (!stralloc_0(sa)) return -1 ;
  sa->len-- ;
  return 1 ;
}
