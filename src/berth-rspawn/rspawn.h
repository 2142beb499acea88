/* ISC license. */
/* berth-rspawn's internal interfaces. Trust: as berth-rspawn.c. */
#ifndef BERTH_RSPAWN_H
#define BERTH_RSPAWN_H

#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/kept.h>

#define SLOTS 256
#define HOST_MAX KEPT_KEY_MAX     /* a domain name; longer hosts get no kept connection */

typedef struct job_s job ;
struct job_s
{
  pid_t pid ;          /* 0: slot free */
  int fd ;             /* child's stdout; -1 after EOF */
  int ctl ;            /* berth-remote's own code: the control socket (reuse), else -1 */
  int idle ;           /* the child said its connection is kept (KEPT_IDLE) */
  int reaped ;
  int wstat ;
  unsigned int n ;
  stralloc report ;
  stralloc job ;       /* the job's bytes, for the log */
  tain start ;
  char host[HOST_MAX + 1] ;
} ;

typedef struct state_s state ;
struct state_s
{
  job jobs[SLOTS] ;
  keptset kept ;       /* sessions kept for a host (berth/kept.h) */
  stralloc in ;
  stralloc out ;
  char const *const *prog ;
  unsigned int nprog ;
  int inproc ;         /* the default berth-remote: its code in a forked child (spawn.c) */
  int inopen ;         /* jobs may still come */
  unsigned int running ;
} ;


/* spawn.c: runs argv (argc words) with messfd as its fd 0 and outfd as its fd 1. inproc:
   berth-remote's code (remote_serve) in a forked child, no exec, with ctlfd as its fd 3; else
   posix_spawnp of argv[0]. The pid, or 0 with errno set. No fd is closed. */
extern pid_t rspawn_run (char const *const *argv, unsigned int argc, int inproc, int messfd, int outfd, int ctlfd) ;

/* berth-remote's program (libremote.a, src/berth-remote/berth-remote.c) */
extern int remote_serve (int argc, char const *const *argv, int ctl) ;
#define CHILD_CTL_FD KEPT_CTL_FD

#endif
