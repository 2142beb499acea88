/* ISC license. */
/* berth-rspawn's internal interfaces. Trust: as berth-rspawn.c. */
#ifndef BERTH_RSPAWN_H
#define BERTH_RSPAWN_H

#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/kept.h>
#include <berth/guests.h>
#include <berth/spawner.h>

#define HOST_MAX KEPT_KEY_MAX     /* a domain name; longer hosts get no kept connection */

/* what berth-rspawn keeps of a running job besides the skeleton's (berth/spawner.h) */
typedef struct rjob_s rjob ;
struct rjob_s
{
  unsigned int n ;
  stralloc job ;       /* the job's bytes, for the log */
  tain start ;
} ;

/* params.c: a job's words for berth-remote's argv (the sender, then each recipient, NUL-terminated)
   without the extension params that may follow \037, and those params for its environment */
#define RSPAWN_MAILPARAMS "BERTH_MAILPARAMS"
#define RSPAWN_RCPTPARAMS "BERTH_RCPTPARAMS"
typedef struct rparams_s rparams ;
struct rparams_s
{
  stralloc words ;
  stralloc mail ;      /* BERTH_MAILPARAMS's value */
  stralloc rcpt ;      /* BERTH_RCPTPARAMS's value */
  int any ;            /* the job has params: the variables are set, no kept child takes it */
} ;
/* job: the job's bytes after its slot byte, n triples. 1, or 0 out of memory. */
extern int rspawn_params (rparams *rp, char const *job, unsigned int n) ;
/* sets both variables in this process's environment for the child to come, or unsets them. */
extern int rspawn_params_env (rparams const *rp) ;

typedef struct state_s state ;
struct state_s
{
  rparams params ;     /* the job being started (berth-rspawn.c: start) */
  rjob jobs[SPAWNER_SLOTS] ;
  char const *const *prog ;
  unsigned int nprog ;
  int inproc ;         /* the default berth-remote: its code in a forked child (spawn.c) */
  unsigned long debug ; /* control/logdebug: one line per recipient besides berth-send's */
  stralloc routes ;    /* control/smtproutes, read for each job (route_key) */
  stralloc key ;       /* the last job's kept-session key when it is a route's */
} ;

/* spawn.c: runs argv (argc words) with messfd as its fd 0 and outfd as its fd 1. inproc:
   berth-remote's code (remote_serve) in a forked child, no exec, with ctlfd as its fd 3; else
   posix_spawnp of argv[0]. The pid, or 0 with errno set. No fd is closed. */
extern pid_t rspawn_run (char const *const *argv, unsigned int argc, int inproc, int messfd, int outfd, int ctlfd) ;

#define CHILD_CTL_FD KEPT_CTL_FD

#endif
