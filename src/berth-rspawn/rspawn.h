/* ISC license. */
/* berth-rspawn's internal interfaces. Trust: as berth-rspawn.c. */
#ifndef BERTH_RSPAWN_H
#define BERTH_RSPAWN_H

#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>

#define SLOTS 256
#define HOST_MAX 255              /* a domain name; longer hosts get no kept connection */
#define IDLE_MAX 64               /* kept connections at most */
#define IDLE_SECS 2               /* a kept connection waits this long for a job (Postfix: 2 s) */
#define REUSE_JOB_MAX 16384       /* a job's words sent to a kept connection at most */

typedef struct job_s job ;
struct job_s
{
  pid_t pid ;          /* 0: slot free */
  int fd ;             /* child's stdout; -1 after EOF */
  int ctl ;            /* berth-remote's own code: the control socket (reuse), else -1 */
  int idle ;           /* the child said its connection is kept (REUSE_IDLE) */
  int reaped ;
  int wstat ;
  unsigned int n ;
  stralloc report ;
  stralloc job ;       /* the job's bytes, for the log */
  tain start ;
  char host[HOST_MAX + 1] ;
} ;

/* a child whose connection is kept, waiting for a job for host; ctl -1: told to quit, not reaped */
typedef struct idle_s idle ;
struct idle_s
{
  pid_t pid ;
  int ctl ;
  tain deadline ;
  char host[HOST_MAX + 1] ;
} ;

typedef struct state_s state ;
struct state_s
{
  job jobs[SLOTS] ;
  idle idles[IDLE_MAX] ;
  unsigned int nidle ;
  stralloc in ;
  stralloc out ;
  char const *const *prog ;
  unsigned int nprog ;
  int inproc ;         /* the default berth-remote: its code in a forked child (spawn.c) */
  int inopen ;         /* jobs may still come */
  unsigned int running ;
} ;

/* idle.c: the kept connections. idle_park takes a finished job's child (or tells it to quit);
   idle_give hands a job (message fd, report pipe, words) to a child kept for host: its pid and
   ctl, or 0 when none took it; idle_reaped forgets a pid (1 if it was one); idle_expire tells
   the children idle past their deadline, or all with all, to quit; idle_deadline: the next one;
   idle_quit tells entry i to quit (it stays until reaped); idle_gone forgets entry i */
extern void idle_park (state *st, job *j) ;
extern pid_t idle_give (state *st, char const *host, int messfd, int repfd, char const *words, size_t len, int *ctl) ;
extern int idle_reaped (state *st, pid_t pid) ;
extern void idle_expire (state *st, int all) ;
extern int idle_deadline (state const *st, tain *deadline) ;
extern void idle_quit (state *st, unsigned int i) ;
extern void idle_gone (state *st, unsigned int i) ;

/* spawn.c: runs argv (argc words) with messfd as its fd 0 and outfd as its fd 1. inproc:
   berth-remote's code (remote_serve) in a forked child, no exec, with ctlfd as its fd 3; else
   posix_spawnp of argv[0]. The pid, or 0 with errno set. No fd is closed. */
extern pid_t rspawn_run (char const *const *argv, unsigned int argc, int inproc, int messfd, int outfd, int ctlfd) ;

/* berth-remote's program (libremote.a, src/berth-remote/berth-remote.c) */
extern int remote_serve (int argc, char const *const *argv, int ctl) ;
#define REUSE_IDLE 'I'            /* as src/berth-remote/remote.h */
#define REUSE_FD_MESS 'm'
#define REUSE_FD_REPORT 'r'
#define CHILD_CTL_FD 3

#endif
