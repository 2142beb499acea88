/* ISC license. */
/* berth-rspawn's internal interfaces. Trust: as berth-rspawn.c. */
#ifndef BERTH_RSPAWN_H
#define BERTH_RSPAWN_H

#include <sys/types.h>

/* spawn.c: runs argv (argc words) with messfd as its fd 0 and outfd as its fd 1. inproc:
   berth-remote's code (remote_main) in a forked child, no exec; else posix_spawnp of argv[0].
   The pid, or 0 with errno set. Neither fd is closed. */
extern pid_t rspawn_run (char const *const *argv, unsigned int argc, int inproc, int messfd, int outfd) ;

/* berth-remote's program (libremote.a, src/berth-remote/berth-remote.c) */
extern int remote_main (int argc, char const *const *argv) ;

#endif
