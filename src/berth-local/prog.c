/* ISC license. */
/* |command: sh -c in $HOME with the message on fd 0 (from its offset 0, as qmail gives it, so
   that a program may rewind) and only the environment main built (qmail-command(8)'s variables)
   and a fixed PATH: nothing of berth-local's own environment, its spawner's.
   Exit codes per qmail-command(8). */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/bytestr.h>
#include <skalibs/djbunix.h>
#include <skalibs/env.h>
#include <skalibs/sig.h>
#include "local.h"

#define PROG_SKIP_REST 99
#define SHELL "/bin/sh"

static int is_permanent (int code)
{
  static int const hard[] = { 100, 64, 65, 70, 76, 77, 78, 112 } ;
  for (size_t i = 0 ; i < sizeof hard / sizeof *hard ; i++) if (code == hard[i]) return 1 ;
  return 0 ;
}

int local_deliver_prog (char const *cmd, stralloc const *env)
{
  size_t n = byte_count(env->s, env->len, 0) ;
  char const *envp[n + 2] ;
  if (!env_make(envp, n, env->s, env->len)) local_say_die(LOCAL_TEMP, "Out of memory. (#4.3.0)", (char *)0) ;
  envp[n] = PROG_PATH ; envp[n + 1] = 0 ;
  int wstat ;
  pid_t pid ;
  int in = local_mess_standalone() ;
  if (in < 0) local_say_die(LOCAL_TEMP, "Unable to copy the message for the program: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  pid = fork() ;
  if (pid < 0) local_say_die(LOCAL_TEMP, "Unable to fork: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  if (!pid)
  {
    char const *argv[4] = { "sh", "-c", cmd, 0 } ;
    if (in && fd_move(0, in) < 0) local_say_die(LOCAL_TEMP, "Unable to set up the program's input: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
    sig_restore(SIGPIPE) ;
    execve(SHELL, (char *const *)argv, (char *const *)envp) ;
    local_say_die(LOCAL_TEMP, "Unable to run /bin/sh: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  }
  if (in) fd_close(in) ;
  if (wait_pid(pid, &wstat) < 0) local_say_die(LOCAL_TEMP, "Unable to wait for child: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  if (WIFSIGNALED(wstat)) local_say_die(LOCAL_TEMP, "Aack, child crashed. (#4.3.0)", (char *)0) ;
  wstat = WEXITSTATUS(wstat) ;
  if (is_permanent(wstat)) _exit(LOCAL_PERM) ;
  if (wstat == PROG_SKIP_REST) return 1 ;
  if (wstat) _exit(LOCAL_TEMP) ;
  return 0 ;
}
