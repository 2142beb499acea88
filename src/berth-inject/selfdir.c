/* ISC license. */
/* berth-inject: the path of a sibling program: the directory of our own executable when it
   holds an executable NAME, else NAME alone (searched in $PATH at exec time). */

#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "inject.h"

void selfdir_prog (stralloc *sa, char const *name)
{
  char self[PATH_MAX] ;
  ssize_t r = readlink("/proc/self/exe", self, sizeof self - 1) ;
  sa->len = 0 ;
  if (r > 0)
  {
    char *slash ;
    self[r] = 0 ;
    slash = strrchr(self, '/') ;
    if (slash)
    {
      if (!stralloc_catb(sa, self, slash - self + 1) || !stralloc_cats(sa, name) || !stralloc_0(sa))
        strerr_diefu1sys(111, "stralloc_catb") ;
      if (!access(sa->s, X_OK)) return ;
      sa->len = 0 ;
    }
  }
  if (!stralloc_cats(sa, name) || !stralloc_0(sa)) strerr_diefu1sys(111, "stralloc_cats") ;
}
