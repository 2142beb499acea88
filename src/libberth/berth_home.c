/* ISC license. */
/* The instance a program serves: $BERTH_HOME; else, for a program installed in an instance's
   own bin/ (berth-setup's multi-user HOME/bin, qmail's /var/qmail/bin model), that instance when
   it has control/me; else the compiled conf-home. Set-uid or set-gid: always conf-home (the
   caller controls the environment; berth-queue has its own rule, libberth/berth_home_chdir.c).
   Trust: the environment and /proc/self/exe are the caller's; nothing is opened, only stat()ed. */

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <berth/home.h>
#include <berth/sibling.h>

#define SELF_MARK "/control/me"

/* a malloc()ed copy of the instance holding the running binary, or 0 */
static char *exe_home (void)
{
  stralloc sa = STRALLOC_ZERO ;
  struct stat st ;
  size_t home ;
  if (!berth_binhome(&sa)) return 0 ;
  home = --sa.len ;
  if (!stralloc_cats(&sa, SELF_MARK) || !stralloc_0(&sa) || stat(sa.s, &st) < 0 || !S_ISREG(st.st_mode))
  {
    stralloc_free(&sa) ;
    return 0 ;
  }
  sa.s[home] = 0 ;
  return sa.s ;
}

char const *berth_home (void)
{
  if (getuid() == geteuid() && getgid() == getegid())
  {
    char const *h = getenv("BERTH_HOME") ;
    char *e ;
    if (h && *h) return h ;
    e = exe_home() ;
    if (e) return e ;
  }
  return BERTH_CONF_HOME ;
}
