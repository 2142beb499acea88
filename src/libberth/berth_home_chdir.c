/* ISC license. */
/* berth_home_chdir (berth/home.h): the instance of a program that may be set-uid to the queue's
   owner (berth-queue, berth-qread). Run by its owner: $BERTH_HOME or the compiled default
   (berth_home). Set-uid (berth-setup's multi-user HOME/bin): the HOME whose bin/ holds this very
   binary, if HOME is owned by root or the effective uid and HOME/queue by the effective uid;
   else the compiled default. Trust: the caller controls the environment, argv[0] and its own
   directories, not /proc/self/exe nor a directory owned by root or the queue's user. */

#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <berth/home.h>
#include <berth/queue.h>
#include <berth/sibling.h>

int berth_home_chdir (void)
{
  stralloc home = STRALLOC_ZERO ;
  int r ;
  uid_t e = geteuid() ;
  struct stat st ;
  if (getuid() == e && getgid() == getegid()) return chdir(berth_home()) ;
  if (!berth_binhome(&home)) return chdir(BERTH_CONF_HOME) ;
  r = chdir(home.s) ;
  stralloc_free(&home) ;
  /* checked after the chdir: the directory checked is the one we are in */
  if (r == 0 && stat(".", &st) == 0 && (!st.st_uid || st.st_uid == e)
   && lstat(QUEUE_DIR, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == e)
    return 0 ;
  return chdir(BERTH_CONF_HOME) ;
}
