/* ISC license. */
/* berth-local's entry point. The program is local_main (berth-local.c), which berth-lspawn also
   runs directly in a forked child when it is not root (doc/berth-lspawn.md), and local_serve in a
   child it keeps for more jobs. That code is a guest: it follows doc/guests.md (no state outlives
   a job; cwd, umask, environment, signals and fds as an exec would give them), and
   tests/sec-local-kept.t proves it. */

#include <skalibs/strerr.h>
#include <berth/stdopts.h>
#include "local.h"

int main (int argc, char const *const *argv)
{
  PROG = "berth-local" ;
  berth_stdopts(argc, argv, LOCAL_USAGE) ;
  return local_main(argc, argv) ;
}
