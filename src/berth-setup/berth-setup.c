/* ISC license. */
/* berth-setup: creates or repairs an instance. Never removes or rewrites what exists, so queued
   mail and edited control files survive a re-run.
   Trust: run by the administrator (or a user for a single-user instance); HOME is taken as given. */

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <berth/queue.h>
#include <berth/sendqueue.h>

#define USAGE "berth-setup [ -u user ] [ -n hostname ] home"
#define dieusage() strerr_dieusage(100, USAGE)

typedef struct owner_s owner, *owner_ref ;
struct owner_s
{
  uid_t uid ;
  gid_t gid ;
  int chown ;
} ;

static void own (char const *path, owner const *o)
{
  if (o->chown && lchown(path, o->uid, o->gid) < 0)
    strerr_diefu2sys(111, "chown ", path) ;
}

static void mkdir_own (char const *path, mode_t mode, owner const *o)
{
  if (mkdir(path, mode) < 0)
  {
    struct stat st ;
    if (errno != EEXIST) strerr_diefu2sys(111, "mkdir ", path) ;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) strerr_dief2x(111, path, " exists and is not a directory") ;
    return ;
  }
  if (chmod(path, mode) < 0) strerr_diefu2sys(111, "chmod ", path) ;
  own(path, o) ;
}

/* Creates path with the given contents only if it does not exist yet. */
static void file_default (char const *path, char const *s, mode_t mode, owner const *o)
{
  size_t len = strlen(path) ;
  char tmp[len + 5] ;
  if (access(path, F_OK) == 0) return ;
  if (errno != ENOENT) strerr_diefu2sys(111, "access ", path) ;
  memcpy(tmp, path, len) ; memcpy(tmp + len, ".new", 5) ;
  if (!openwritenclose_unsafe_sync(tmp, s, strlen(s))) strerr_diefu2sys(111, "write ", tmp) ;
  if (chmod(tmp, mode) < 0) strerr_diefu2sys(111, "chmod ", tmp) ;
  own(tmp, o) ;
  if (rename(tmp, path) < 0) strerr_diefu4sys(111, "rename ", tmp, " to ", path) ;
}

static void fifo_default (char const *path, owner const *o)
{
  if (mkfifo(path, 0622) < 0)
  {
    if (errno != EEXIST) strerr_diefu2sys(111, "mkfifo ", path) ;
    return ;
  }
  if (chmod(path, 0622) < 0) strerr_diefu2sys(111, "chmod ", path) ;
  own(path, o) ;
}

int main (int argc, char const *const *argv)
{
  owner o = { .uid = getuid(), .gid = getgid(), .chown = 0 } ;
  char const *user = 0 ;
  char const *hostname = 0 ;
  char hostbuf[256] ;
  PROG = "berth-setup" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "u:n:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'u' : user = l.arg ; break ;
        case 'n' : hostname = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc != 1 || !argv[0][0]) dieusage() ;

  if (user)
  {
    struct passwd *pw = getpwnam(user) ;
    if (!pw) strerr_dief3x(100, "unknown user ", user, " (the instance owner must exist)") ;
    if (pw->pw_uid != o.uid && o.uid) strerr_dief1x(100, "only root can make an instance for another user") ;
    o.uid = pw->pw_uid ; o.gid = pw->pw_gid ; o.chown = !getuid() ;
  }
  else if (!o.uid)
    strerr_dief1x(100, "multi-user instances are not supported yet: give -u user for a single-user instance") ;

  if (!hostname)
  {
    if (gethostname(hostbuf, sizeof hostbuf - 1) < 0) strerr_diefu1sys(111, "get the host name") ;
    hostbuf[sizeof hostbuf - 1] = 0 ;
    hostname = hostbuf ;
  }
  if (!hostname[0] || strchr(hostname, '\n') || strchr(hostname, '/')) strerr_dief1x(100, "invalid host name") ;

  mkdir_own(argv[0], 0755, &o) ;
  if (chdir(argv[0]) < 0) strerr_diefu2sys(111, "chdir to ", argv[0]) ;

  mkdir_own("control", 0755, &o) ;
  {
    stralloc sa = STRALLOC_ZERO ;
    if (!stralloc_copys(&sa, hostname) || !stralloc_catb(&sa, "\n", 2)) strerr_diefu1sys(111, "allocate") ;
    file_default("control/me", sa.s, 0644, &o) ;
    sa.len = strlen(hostname) ;
    if (!stralloc_cats(&sa, "\nlocalhost\n") || !stralloc_0(&sa)) strerr_diefu1sys(111, "allocate") ;
    file_default("control/rcpthosts", sa.s, 0644, &o) ;
    stralloc_free(&sa) ;
  }
  mkdir_own("users", 0755, &o) ;
  file_default("users/assign", ".\n", 0644, &o) ;
  mkdir_own("alias", 0755, &o) ;

  mkdir_own(QUEUE_DIR, 0750, &o) ;
  mkdir_own(QUEUE_MESS, 0700, &o) ;
  mkdir_own(QUEUE_INTD, 0700, &o) ;
  mkdir_own(QUEUE_TODO, 0700, &o) ;
  mkdir_own(QUEUE_LOCK, 0755, &o) ;
  mkdir_own(QUEUE_STATE, 0700, &o) ;
  mkdir_own(QUEUE_BOUNCE, 0700, &o) ;
  fifo_default(QUEUE_TRIGGER, &o) ;
  return 0 ;
}
