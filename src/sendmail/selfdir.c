/* ISC license. */
/* sendmail: finding berth-inject, berth-smtpd, berth-qread next to our own executable
   (/proc/self/exe, so a /usr/sbin/sendmail symlink still finds the real bin directory). */

#include <errno.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/sibling.h>
#include "sendmail.h"

int selfdir_find (stralloc *sa, char const *name)
{
  sa->len = 0 ;
  if (!berth_sibling(sa, name))
  {
    if (errno == ENOMEM) strerr_diefu1sys(111, "stralloc_catb") ;
    return 0 ;
  }
  return !access(sa->s, X_OK) ;
}
