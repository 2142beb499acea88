/* ISC license. */
/* sendmail: finding berth-inject, berth-smtpd, berth-qread next to our own executable
   (/proc/self/exe, so a /usr/sbin/sendmail symlink still finds the real bin directory). */

#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "sendmail.h"

int selfdir_find (stralloc *sa, char const *name)
{
  char self[PATH_MAX] ;
  char *slash ;
  ssize_t r = readlink("/proc/self/exe", self, sizeof self - 1) ;
  sa->len = 0 ;
  if (r <= 0) return 0 ;
  self[r] = 0 ;
  slash = strrchr(self, '/') ;
  if (!slash) return 0 ;
  if (!stralloc_catb(sa, self, slash - self + 1) || !stralloc_cats(sa, name) || !stralloc_0(sa))
    strerr_diefu1sys(111, "stralloc_catb") ;
  return !access(sa->s, X_OK) ;
}
