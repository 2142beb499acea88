/* ISC license. */
/* The spawner skeleton (qmail's spawn.c, once for berth-lspawn and berth-rspawn): the slot
   table, the job framing from berth-send, the iopause loop, reaping through a selfpipe, kept
   children (berth/kept.h), the results on fd 1 and the per-job timeout. A spawner gives hooks:
   start a job (it calls spawner_run when a child took it) and finish one (it calls
   spawner_result). Each job is in one state of spawner_jstate; events move it by a transition
   table (spawner_table.c). The spawn protocol is doc/berth-start.md's; the rules for the code a
   kept child runs are doc/guests.md's. Trust: jobs come from berth-send (the queue owner), reports
   from the children; both are read within the bytes received. */
#ifndef BERTH_SPAWNER_H
#define BERTH_SPAWNER_H

#include <stddef.h>
#include <sys/types.h>
#include <skalibs/bufalloc.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/kept.h>

#define SPAWNER_SLOTS 256          /* a slot is one byte of the protocol */
#define SPAWNER_READ_CHUNK 8192

/* A job's state. FREE: no child. RUN: the child works, its report open. EOF: its report ended,
   the child has not (exited or said KEPT_IDLE). IDLE: a kept child said KEPT_IDLE, its report
   not ended yet. EXITED: reaped, its report not ended yet. KILLED: past the timeout, killed,
   not reaped yet. Which of these a spawner passes through is its table's business. */
typedef enum spawner_jstate_e spawner_jstate ;
enum spawner_jstate_e
{
  SPAWNER_FREE,
  SPAWNER_RUN,
  SPAWNER_EOF,
  SPAWNER_IDLE,
  SPAWNER_EXITED,
  SPAWNER_KILLED,
  SPAWNER_NSTATES
} ;

/* What happens to a job: its report's EOF, KEPT_IDLE on its control socket, anything else there
   (EOF, garbage: not kept), its child reaped, its deadline passed. */
typedef enum spawner_event_e spawner_event ;
enum spawner_event_e
{
  SPAWNER_EV_EOF,
  SPAWNER_EV_IDLE,
  SPAWNER_EV_CTLGONE,
  SPAWNER_EV_REAPED,
  SPAWNER_EV_TIMEOUT,
  SPAWNER_NEVENTS
} ;

/* How a finished job ended, for the finish hook */
typedef enum spawner_end_e spawner_end ;
enum spawner_end_e
{
  SPAWNER_END_EXIT,      /* its child exited, status in wstat */
  SPAWNER_END_IDLE,      /* a kept child returned from the job (as an exit 0) */
  SPAWNER_END_TIMEOUT    /* killed at its deadline */
} ;

/* When a job is finished: at once when its child exits or says KEPT_IDLE, the report read as
   far as it is in the pipe (berth-lspawn: a program may leave a process in the background
   holding it); or only once the report ended too (berth-rspawn: a qmail-remote's report). */
typedef enum spawner_policy_e spawner_policy ;
enum spawner_policy_e
{
  SPAWNER_NOWAIT,
  SPAWNER_WAITEOF,
  SPAWNER_NPOLICIES
} ;

typedef struct spawner_job_s spawner_job, *spawner_job_ref ;
struct spawner_job_s
{
  spawner_jstate state ;
  pid_t pid ;
  int fd ;                 /* the report pipe, -1 once closed */
  int ctl ;                /* the kept-child control socket, -1 when none */
  int wstat ;
  int keep ;               /* kept under key when it says KEPT_IDLE */
  tain deadline ;
  stralloc report ;
  char key[KEPT_KEY_MAX + 1] ;
} ;

/* one job from berth-send, as spawner_jobscan read it */
typedef struct spawner_jobin_s spawner_jobin, *spawner_jobin_ref ;
struct spawner_jobin_s
{
  char const *s ;          /* the job's bytes, its slot byte first */
  size_t len ;
  unsigned int n ;         /* its recipients */
  int bad ;                /* 1: a recipient is empty */
  char const *f[3] ;       /* the first recipient's id, sender and address; 0 without one */
} ;

typedef struct spawner_s spawner, *spawner_ref ;
typedef struct spawner_hooks_s spawner_hooks, *spawner_hooks_ref ;
struct spawner_hooks_s
{
  /* one complete job */
  void (*start) (spawner *sp, spawner_jobin const *job) ;
  /* the job in slot ended (its report in sp->jobs[slot].report): write its result */
  void (*finish) (spawner *sp, unsigned char slot, spawner_end how) ;
  spawner_policy policy ;
  size_t reportmax ;       /* bytes of a report kept at most; 0: all */
  char const *killtext ;   /* the warning when a job is killed at its deadline */
} ;

struct spawner_s
{
  spawner_hooks const *h ;
  void *ctx ;              /* the spawner's own state */
  unsigned int timeout ;   /* seconds a job may run; 0: no limit */
  unsigned int running ;
  int eof ;                /* no more jobs */
  stralloc in ;
  bufalloc out ;   /* results for berth-send, flushed as fd 1 takes them */
  keptset kept ;
  spawner_job jobs[SPAWNER_SLOTS] ;
} ;

/* spawner_main.c: the loop; spawner_run.c: the slot table */
extern void spawner_init (spawner *sp, spawner_hooks const *h, void *ctx) ;
/* runs until the jobs' end, every job finished and every kept child gone */
extern void spawner_loop (spawner *sp) ;
/* a child took the job in slot: pid, its report pipe fd (non-blocking, made so here), its
   control socket ctl (or -1), kept for key when it says KEPT_IDLE (key 0: never kept) */
extern void spawner_run (spawner *sp, unsigned char slot, pid_t pid, int fd, int ctl, char const *key) ;
extern int spawner_busy (spawner const *sp, unsigned char slot) ;
/* slot, then the records (len bytes), queued for fd 1 */
extern void spawner_result (spawner *sp, unsigned char slot, char const *records, size_t len) ;

/* spawner_jobscan.c: a job in s[0..len): slot byte, then (<id>\0<sender>\0<rcpt>\0)*, then \0.
   Its length when complete (*job filled in), else 0. */
extern size_t spawner_jobscan (char const *s, size_t len, spawner_jobin *job) ;

/* spawner_run.c: a new control socket pair for a child that can be kept: *ctl the spawner's end
   (non-blocking, close-on-exec), *child the child's (close-on-exec). 1, or 0 with errno set */
extern int spawner_ctlpair (int *ctl, int *child) ;

/* spawner_table.c: the event ev for the job in slot, by the policy's transition table (wstat:
   the child's status, for SPAWNER_EV_REAPED) */
extern void spawner_on (spawner *sp, unsigned char slot, spawner_event ev, int wstat) ;
/* spawner_run.c: reads the job's report pipe until EAGAIN (1), or its end (0: closed) */
extern int spawner_report_read (spawner *sp, unsigned char slot) ;

#endif
