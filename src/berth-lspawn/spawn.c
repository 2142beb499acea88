/* ISC license. */
/* Runs berth-local as the recipient: groups set to the single gid, then gid, then uid, then exec
   (root); or as ourselves (single-user mode), berth-local's code called in the forked child
   without an exec. Either is kept for more jobs through its control socket (fd 3, berth/kept.h):
   as root, for jobs of the same uid and gid only (berth-lspawn.c). The child never returns.
   Trust (root): the recipient may ptrace berth-local and take its fds, so the message fd is a
   memory file that holds the message alone (messopen.c: the queue file's header holds the whole
   envelope, Bcc included), no other fd survives but the control socket, which carries only this
   recipient's jobs; berth-local gets a fixed environment, not the supervisor's. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/setgroups.h>
#include <skalibs/sig.h>
#include <skalibs/types.h>
#include <berth/kept.h>
#include "lspawn.h"

#define EXIT_TEMP 111

static void child_die (char const *a, char const *b)
{
  char const *e = strerror(errno) ;
  fd_write(1, a, strlen(a)) ;
  fd_write(1, b, strlen(b)) ;
  fd_write(1, ": ", 2) ;
  fd_write(1, e, strlen(e)) ;
  fd_write(1, ". (#4.3.0)\n", 11) ;
  _exit(EXIT_TEMP) ;
}

static void close_from (int first)
{
  if (close_range(first, ~0U, 0) < 0)
  {
    long max = sysconf(_SC_OPEN_MAX) ;
    for (long fd = first ; fd < max ; fd++) close((int)fd) ;
  }
}

pid_t local_spawn (char const *prog, int root, target const *t, char const *const *args, int messfd, int outfd, int ctlfd)
{
  pid_t pid = fork() ;
  if (pid)
  {
    if (pid > 0) setpgid(pid, pid) ;   /* also done by the child: whichever runs first */
    return pid ;
  }
  setpgid(0, 0) ;   /* berth-local and its programs: one group, killed whole at the timeout */
  if (fd_move(0, messfd) < 0 || fd_move(1, outfd) < 0 || fd_copy(2, 1) < 0) _exit(EXIT_TEMP) ;
  /* the control socket, not inherited by the programs a .qmail runs (as root berth-local makes
     it close-on-exec itself, once exec'ed); and no other fd of berth-lspawn (its end of this
     socket included, or the child would never see its EOF): close-on-exec does nothing without
     an exec, and as root nothing but 0, 1, 2 and the control socket is passed on */
  if (ctlfd >= 0 && (fd_copy(KEPT_CTL_FD, ctlfd) < 0 || (!root && coe(KEPT_CTL_FD) < 0))) _exit(EXIT_TEMP) ;
  close_from(ctlfd >= 0 ? KEPT_CTL_FD + 1 : STDERR_FILENO + 1) ;
  sig_blocknone() ;
  sig_restore(SIGPIPE) ;
  sig_restore(SIGCHLD) ;
  if (root)
  {
    if (skalibs_setgroups(1, &t->gid) < 0) child_die("Unable to set groups", "") ;
    if (setgid(t->gid) < 0) child_die("Unable to set gid", "") ;
    if (setuid(t->uid) < 0) child_die("Unable to set uid", "") ;
  }
  {
    char const *argv[LOCAL_ARGS + 3] ;
    argv[0] = prog ; argv[1] = "--" ;
    for (unsigned int i = 0 ; i < LOCAL_ARGS ; i++) argv[i+2] = args[i] ;
    argv[LOCAL_ARGS + 2] = 0 ;
    /* Not root: berth-local would run as ourselves, so an exec would cross no boundary; its code
       runs here instead (an exec and a libc start cost more than the delivery itself). */
    if (!root) _exit(ctlfd >= 0 ? local_serve(LOCAL_ARGS + 2, argv, KEPT_CTL_FD) : local_main(LOCAL_ARGS + 2, argv)) ;
    {
      char const *envp[LOCAL_ENV_MAX] ;
      local_env(envp, ctlfd >= 0) ;
      if (strchr(prog, '/')) execve(prog, (char *const *)argv, (char *const *)envp) ;
      else execvpe(prog, (char *const *)argv, (char *const *)envp) ;
    }
    child_die("Unable to run ", prog) ;
  }
  return -1 ;
}
