/* ISC license. */
/* berth-start: starts the local spawner, the remote spawner and berth-send, connected by pipes,
   then becomes berth-send (so the supervisor's signals reach it). As root only the local spawner
   keeps root; berth-send runs as the owner of HOME/queue, and the remote spawner as $UID/$GID
   (s6-envuidgid: multi-user mode's remote user) when both are set, else as the queue's owner.
   Trust: run by the supervisor; $BERTH_LSPAWN, $BERTH_RSPAWN, $BERTH_SEND name the programs. */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/home.h>
#include <berth/queue.h>
#include <berth/sibling.h>
#include <berth/stdopts.h>

#define USAGE "berth-start"
#define FD_FIRST 3    /* berth-send: 3 local jobs, 4 local results, 5 remote jobs, 6 remote results */
#define FD_HIGH 20

/* $VAR, else NAME next to our binary, else NAME through PATH; lives as long as the process */
static char const *prog_path (char const *var, char const *name)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *x = getenv(var) ;
  if (x && *x) return x ;
  return berth_sibling(&sa, name) ? sa.s : name ;
}

static void drop (uid_t uid, gid_t gid)
{
  if (getuid() && geteuid()) return ;
  if (setgroups(0, 0) < 0 || setgid(gid) < 0 || setuid(uid) < 0) strerr_diefu1sys(111, "drop privileges") ;
}

static void run (char const *prog)
{
  char const *argv[2] = { prog, 0 } ;
  execvp(prog, (char *const *)argv) ;
  strerr_diefu2sys(111, "exec ", prog) ;
}

/* $UID and $GID (s6-envuidgid) for the remote spawner, when both are set; never root. */
static void remote_ids (uid_t *uid, gid_t *gid)
{
  char const *u = getenv("UID") ;
  char const *g = getenv("GID") ;
  uid_t ru ;
  gid_t rg ;
  if (!u || !g || !*u || !*g) return ;
  if (!uid0_scan(u, &ru) || !gid0_scan(g, &rg)) strerr_dief1x(100, "invalid $UID or $GID") ;
  if (!ru) strerr_dief1x(100, "$UID is root: the remote spawner never runs as root") ;
  *uid = ru ; *gid = rg ;
}

/* child: jobs pipe read end -> 0, results pipe write end -> 1 */
static pid_t spawner (char const *prog, int in, int out, int asroot, uid_t uid, gid_t gid)
{
  pid_t pid = fork() ;
  if (pid < 0) strerr_diefu1sys(111, "fork") ;
  if (pid) return pid ;
  sig_blocknone() ;
  if (fd_move(0, in) < 0 || fd_move(1, out) < 0) strerr_diefu1sys(111, "move fds") ;
  if (!asroot) drop(uid, gid) ;
  run(prog) ;
  return 0 ;
}

int main (int argc, char const *const *argv)
{
  char const *lprog, *rprog, *sprog ;
  int lj[2], lr[2], rj[2], rr[2] ;
  int hi[4] ;
  struct stat st ;
  PROG = "berth-start" ;
  berth_stdopts(argc, argv, USAGE) ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  for (int fd = 0 ; fd < 3 ; fd++)   /* a pipe must never land on 0-2 */
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
      strerr_diefu1sys(111, "open /dev/null") ;
  lprog = prog_path("BERTH_LSPAWN", "berth-lspawn") ;
  rprog = prog_path("BERTH_RSPAWN", "berth-rspawn") ;
  sprog = prog_path("BERTH_SEND", "berth-send") ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (stat(QUEUE_DIR, &st) < 0) strerr_diefu2sys(111, "stat ", QUEUE_DIR) ;
  if (!st.st_uid) strerr_dief1x(100, "the queue is owned by root: berth-send never runs as root") ;
  if (pipe2(lj, O_CLOEXEC) < 0 || pipe2(lr, O_CLOEXEC) < 0 || pipe2(rj, O_CLOEXEC) < 0 || pipe2(rr, O_CLOEXEC) < 0)
    strerr_diefu1sys(111, "create pipes") ;
  spawner(lprog, lj[0], lr[1], 1, st.st_uid, st.st_gid) ;
  {
    uid_t ru = st.st_uid ;
    gid_t rg = st.st_gid ;
    if (!geteuid()) remote_ids(&ru, &rg) ;
    spawner(rprog, rj[0], rr[1], 0, ru, rg) ;
  }
  fd_close(lj[0]) ; fd_close(lr[1]) ; fd_close(rj[0]) ; fd_close(rr[1]) ;
  hi[0] = lj[1] ; hi[1] = lr[0] ; hi[2] = rj[1] ; hi[3] = rr[0] ;
  for (int i = 0 ; i < 4 ; i++)
  {
    int fd = fcntl(hi[i], F_DUPFD_CLOEXEC, FD_HIGH) ;
    if (fd < 0) strerr_diefu1sys(111, "dup") ;
    fd_close(hi[i]) ;
    hi[i] = fd ;
  }
  for (int i = 0 ; i < 4 ; i++)
  {
    if (dup2(hi[i], FD_FIRST + i) < 0) strerr_diefu1sys(111, "dup2") ;
    fd_close(hi[i]) ;
  }
  drop(st.st_uid, st.st_gid) ;
  run(sprog) ;
  return 111 ;
}
