/* ISC license. */
/* berth-rspawn: starts one job's program. posix_spawn of a given program (berth_spawn); or, for berth-remote
   itself, a fork whose child runs remote_serve without an exec (an exec and a static libc start
   cost more than a short relay session's own work here). The forked child is set up to be what a
   freshly exec'ed berth-remote would be: fds 0, 1, 2 and the control socket 3 only, no signal trapped or blocked, SIGPIPE
   and SIGCHLD at their defaults, empty stdio buffers, PROG and the process name berth-remote.
   Trust: argv is built by berth-rspawn from berth-send's job. */

#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/gccattributes.h>
#include <skalibs/posixplz.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <berth/spawn.h>
#include "rspawn.h"

#define EXIT_TEMP 111
#define REMOTE_PROG "berth-remote"

static void child (char const *const *argv, unsigned int argc, int messfd, int outfd, int ctlfd) gccattr_noreturn ;
static void child (char const *const *argv, unsigned int argc, int messfd, int outfd, int ctlfd)
{
  PROG = REMOTE_PROG ;
  selfpipe_finish() ;   /* berth-rspawn's SIGCHLD trap: its fd closed, SIGCHLD unblocked */
  if (fd_copy(0, messfd) < 0 || fd_copy(1, outfd) < 0 || fd_copy(CHILD_CTL_FD, ctlfd) < 0) _exit(EXIT_TEMP) ;
  /* every other fd of berth-rspawn (the other jobs' pipes and sockets, its own fds):
     close-on-exec does nothing without an exec */
  if (close_range(CHILD_CTL_FD + 1, ~0U, 0) < 0)
  {
    long max = sysconf(_SC_OPEN_MAX) ;
    for (long fd = CHILD_CTL_FD + 1 ; fd < max ; fd++) close((int)fd) ;
  }
  sig_blocknone() ;
  sig_restore(SIGPIPE) ;
  sig_restore(SIGCHLD) ;
  buffer_rseek(buffer_1, buffer_len(buffer_1)) ;
  buffer_rseek(buffer_2, buffer_len(buffer_2)) ;
  prctl(PR_SET_NAME, REMOTE_PROG) ;   /* ps and pgrep see berth-remote, as with an exec */
  _exit(remote_serve((int)argc, argv, CHILD_CTL_FD)) ;
}

static pid_t spawn (char const *const *argv, int messfd, int outfd)
{
  berth_spawn_fa const fa[2] =
  {
    { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { 0, messfd } },
    { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { 1, outfd } }
  } ;
  return berth_spawn(argv[0], argv, (char const *const *)environ, BERTH_SPAWN_SIGBLOCKNONE | BERTH_SPAWN_SIGDEFAULT, fa, 2) ;
}

pid_t rspawn_run (char const *const *argv, unsigned int argc, int inproc, int messfd, int outfd, int ctlfd)
{
  pid_t pid ;
  if (!inproc) return spawn(argv, messfd, outfd) ;
  pid = fork() ;
  if (pid < 0) return 0 ;
  if (!pid) child(argv, argc, messfd, outfd, ctlfd) ;
  return pid ;
}
