/* ISC license. */
/* berth-remote's entry point. The program is remote_main (berth-remote.c); berth-rspawn runs
   remote_serve, its kept-session form, directly in a forked child (doc/berth-rspawn.md). That
   code is a guest: it follows doc/guests.md (no state outlives a job; cwd, environment, signals
   and fds as an exec would give them), and tests/sec-remote-kept.t proves it. */

#include <skalibs/strerr.h>
#include <berth/stdopts.h>
#include "remote.h"

int main (int argc, char const *const *argv)
{
  PROG = "berth-remote" ;
  berth_stdopts(argc, argv, REMOTE_USAGE) ;
  return remote_main(argc, argv) ;
}
