/* ISC license. */
/* berth-inject: the path of a sibling program: the directory of our own executable when it
   holds an executable NAME, else NAME alone (searched in $PATH at exec time). */

#include <errno.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/sibling.h>
#include "inject.h"

void selfdir_prog (stralloc *sa, char const *name)
{
  sa->len = 0 ;
  if (berth_sibling(sa, name))
  {
    if (!access(sa->s, X_OK)) return ;
    sa->len = 0 ;
  }
  else if (errno == ENOMEM) strerr_diefu1sys(111, "stralloc_catb") ;
  if (!stralloc_cats(sa, name) || !stralloc_0(sa)) strerr_diefu1sys(111, "stralloc_cats") ;
}
