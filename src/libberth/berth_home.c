/* ISC license. */
/* The instance a program serves: $BERTH_HOME; else, for a program installed in an instance's
   own bin/ (berth-setup's multi-user HOME/bin, qmail's /var/qmail/bin model), that instance when
   it has control/me; else the compiled conf-home. Set-uid or set-gid: always conf-home (the
   caller controls the environment; berth-queue has its own rule, qq_chdir.c).
   Trust: the environment and /proc/self/exe are the caller's; nothing is opened, only stat()ed. */

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <berth/home.h>

#define SELF_BIN "/bin"
#define SELF_MARK "/control/me"

/* a malloc()ed copy of the instance holding the running binary, or 0 */
static char *exe_home (void)
{
  char self[PATH_MAX + sizeof(SELF_MARK)] ;
  struct stat st ;
  char *slash ;
  ssize_t r = readlink("/proc/self/exe", self, PATH_MAX - 1) ;
  size_t n ;
  if (r <= 0) return 0 ;
  self[r] = 0 ;
  slash = strrchr(self, '/') ;
  n = sizeof(SELF_BIN) - 1 ;
  if (!slash || (size_t)(slash - self) <= n || memcmp(slash - n, SELF_BIN, n)) return 0 ;
  slash -= n ;
  memcpy(slash, SELF_MARK, sizeof(SELF_MARK)) ;
  if (stat(self, &st) < 0 || !S_ISREG(st.st_mode)) return 0 ;
  *slash = 0 ;
  return strdup(self) ;
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
