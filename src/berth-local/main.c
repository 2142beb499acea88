/* ISC license. */
/* berth-local's entry point. The program is local_main (berth-local.c), which berth-lspawn also
   runs directly in a forked child when it is not root (doc/berth-lspawn.md), and local_serve in a
   child it keeps for more jobs: forked (not root), or this program exec'ed as the recipient with
   a control socket named in its environment (root). That code is a guest: it follows
   doc/guests.md (no state outlives a job; cwd, umask, environment, signals and fds as an exec
   would give them), and tests/sec-local-kept.t and tests/local-root-kept.t prove it.
   Trust: the control socket's fd comes from berth-lspawn as argv does; it is checked anyway. */

#include <stdlib.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/kept.h>
#include <berth/stdopts.h>
#include "local.h"

/* The control socket berth-lspawn left open across the exec for a kept child: the fd named by
   KEPT_ENV_FD, a socket. The variable is removed before anything runs (a forward's berth-queue
   inherits this environment), and the fd made close-on-exec (no program a .qmail runs gets it).
   -1: none, and one job as any berth-local. */
static int kept_ctl (void)
{
  char const *s = getenv(KEPT_ENV_FD) ;
  struct stat st ;
  unsigned int fd ;
  int ok ;
  if (!s) return -1 ;
  ok = uint0_scan(s, &fd) && fd > 2 && fstat((int)fd, &st) == 0 && S_ISSOCK(st.st_mode) && coe((int)fd) >= 0 ;
  unsetenv(KEPT_ENV_FD) ;   /* once, before any job: no guest code writes the environment */
  return ok ? (int)fd : -1 ;
}

int main (int argc, char const *const *argv)
{
  int ctl ;
  PROG = "berth-local" ;
  berth_stdopts(argc, argv, LOCAL_USAGE) ;
  ctl = kept_ctl() ;
  return ctl >= 0 ? local_serve(argc, argv, ctl) : local_main(argc, argv) ;
}
