/* ISC license. */
/* berth-setup: creates or repairs an instance. Never removes or rewrites what exists, so queued
   mail and edited control files survive a re-run.
   Trust: run by the administrator (or a user for a single-user instance); HOME is taken as given. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
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
#include <berth/qtool.h>
#include "setup.h"

#define USAGE "berth-setup [ -u user ] [ -n hostname ] [ -a addr,addr... ] [ -p port ] [ -b bindir ] home"
#define dieusage() strerr_dieusage(100, USAGE)

void own (char const *path, owner const *o)
{
  if (o->chown && lchown(path, o->uid, o->gid) < 0)
    strerr_diefu2sys(111, "chown ", path) ;
}

void mkdir_own (char const *path, mode_t mode, owner const *o)
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
void file_default (char const *path, char const *s, mode_t mode, owner const *o)
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

static void fifo_default (char const *path, mode_t mode, owner const *o)
{
  if (mkfifo(path, mode) < 0)
  {
    if (errno != EEXIST) strerr_diefu2sys(111, "mkfifo ", path) ;
    return ;
  }
  if (chmod(path, mode) < 0) strerr_diefu2sys(111, "chmod ", path) ;
  own(path, o) ;
}

/* Local delivery defaults (berth-lspawn, berth-local): control/defaultdelivery, the alias
   mailbox alias/Maildir/ for postmaster, root and mailer-daemon and for the owner's name when
   the owner's passwd home cannot take it, and the owner's own ~/Maildir/ when that home exists
   and is the owner's. Existing files and directories are left alone. */
static void maildir_default (char const *dir, owner const *o)
{
  size_t len = strlen(dir) ;
  char sub[len + 5] ;
  mkdir_own(dir, 0700, o) ;
  memcpy(sub, dir, len) ;
  memcpy(sub + len, "/tmp", 5) ; mkdir_own(sub, 0700, o) ;
  memcpy(sub + len, "/new", 5) ; mkdir_own(sub, 0700, o) ;
  memcpy(sub + len, "/cur", 5) ; mkdir_own(sub, 0700, o) ;
}

static void alias_default (char const *name, char const *suffix, owner const *o)
{
  size_t len = strlen(name) ;
  char path[len + strlen(suffix) + 14] ;
  memcpy(path, "alias/.qmail-", 13) ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = name[i] ;
    path[13 + i] = c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c == '.' ? ':' : c ;
  }
  strcpy(path + 13 + len, suffix) ;
  file_default(path, "./Maildir/\n", 0644, o) ;
}

static void local_defaults (char const *user, owner const *o)
{
  file_default("control/defaultdelivery", "./Maildir/\n", 0644, o) ;
  maildir_default("alias/Maildir", o) ;
  alias_default("postmaster", "", o) ;
  alias_default("root", "", o) ;
  alias_default("mailer-daemon", "", o) ;
  {
    struct passwd *pw = user ? getpwnam(user) : getpwuid(o->uid) ;
    struct stat st ;
    if (!pw) return ;
    alias_default(pw->pw_name, "", o) ;
    alias_default(pw->pw_name, "-default", o) ;
    if (pw->pw_uid && pw->pw_dir[0] == '/' && stat(pw->pw_dir, &st) == 0 && st.st_uid == pw->pw_uid)
    {
      size_t len = strlen(pw->pw_dir) ;
      char md[len + 10] ;
      memcpy(md, pw->pw_dir, len) ; memcpy(md + len, "/Maildir", 9) ;
      maildir_default(md, o) ;
    }
  }
}

int main (int argc, char const *const *argv)
{
  owner o = { .uid = getuid(), .gid = getgid(), .chown = 0, .name = 0 } ;
  services sv = { .home = 0, .bindir = 0, .addrs = "127.0.0.1", .port = "25" } ;
  char bindir[PATH_MAX] ;
  char home[PATH_MAX] ;
  char const *user = 0 ;
  char const *hostname = 0 ;
  char hostbuf[256] ;
  PROG = "berth-setup" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "u:n:a:p:b:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'u' : user = l.arg ; break ;
        case 'n' : hostname = l.arg ; break ;
        case 'a' : sv.addrs = l.arg ; break ;
        case 'p' : sv.port = l.arg ; break ;
        case 'b' : sv.bindir = l.arg ; break ;
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
    o.uid = pw->pw_uid ; o.gid = pw->pw_gid ; o.chown = !getuid() ; o.name = user ;
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
  if (!realpath(argv[0], home)) strerr_diefu2sys(111, "resolve ", argv[0]) ;
  sv.home = home ;
  if (!sv.bindir)
  {
    ssize_t r = readlink("/proc/self/exe", bindir, sizeof bindir - 1) ;
    char *slash ;
    if (r < 0) strerr_diefu1sys(111, "find my own directory (give -b)") ;
    bindir[r] = 0 ;
    slash = strrchr(bindir, '/') ;
    if (slash) *slash = 0 ;
    sv.bindir = bindir ;
  }
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
  mkdir_own(QUEUE_DELAY, 0700, &o) ;
  mkdir_own(QUEUE_INFO, 0700, &o) ;
  mkdir_own(QUEUE_HOLD, 0700, &o) ;
  fifo_default(QUEUE_TRIGGER, 0622, &o) ;
  fifo_default(QUEUE_CTL, 0600, &o) ;   /* berth-qctl -> berth-send, owner only */
  local_defaults(user, &o) ;
  setup_services(&sv, &o) ;
  return 0 ;
}
