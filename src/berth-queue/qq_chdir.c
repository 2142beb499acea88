/* ISC license. */
/* berth-queue's instance. Run by its owner: $BERTH_HOME or the compiled default (berth_home).
   Set-uid (berth-setup's multi-user HOME/bin/berth-queue): the HOME whose bin/ holds this very
   binary, if HOME is owned by root or the effective uid and HOME/queue by the effective uid;
   else the compiled default. Trust: the caller controls the environment, argv[0] and its own
   directories, not /proc/self/exe nor a directory owned by root or the queue's user. */

#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <berth/home.h>
#include <berth/queue.h>
#include "qq_chdir.h"

int qq_chdir (void)
{
  char self[PATH_MAX] ;
  ssize_t r ;
  char *slash ;
  uid_t e = geteuid() ;
  struct stat st ;
  if (getuid() == e && getgid() == getegid()) return chdir(berth_home()) ;
  r = readlink("/proc/self/exe", self, sizeof self - 1) ;
  if (r <= 0) return chdir(BERTH_CONF_HOME) ;
  self[r] = 0 ;
  slash = strrchr(self, '/') ;
  if (!slash || slash - self <= 4 || memcmp(slash - 4, "/bin", 4)) return chdir(BERTH_CONF_HOME) ;
  slash[-4] = 0 ;
  /* checked after the chdir: the directory checked is the one we are in */
  if (chdir(self) == 0 && stat(".", &st) == 0 && (!st.st_uid || st.st_uid == e)
   && lstat(QUEUE_DIR, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == e)
    return 0 ;
  return chdir(BERTH_CONF_HOME) ;
}
