/* ISC license. */
/* berth-lspawn's running state, shared by the job logic and the event loop. */
#ifndef BERTH_LSPAWN_STATE_H
#define BERTH_LSPAWN_STATE_H

#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/kept.h>
#include "lspawn.h"

#define USAGE "berth-lspawn"
#define SLOTS 256
#define OUT_MAX 4096
#define READ_CHUNK 4096
#define LOCAL_PROG "berth-local"
#define DEFAULT_DELIVERY "./Maildir/"
#define TIMEOUT_LOCAL_DEFAULT 1000   /* seconds; Postfix's command_time_limit */

typedef struct job_s job, *job_ref ;
struct job_s
{
  pid_t pid ;         /* 0: free */
  int fd ;            /* berth-local's output, or -1 */
  unsigned int extra ;/* recipients beyond the first: refused */
  int timedout ;      /* killed at its deadline */
  tain deadline ;
  stralloc out ;
  int ctl ;           /* single-user mode: the control socket of a child that can be kept, else -1 */
  int idle ;          /* the child said KEPT_IDLE: it returned from berth-local, report complete */
} ;

typedef struct state_s state, *state_ref ;
struct state_s
{
  lctx c ;
  getpw pw ;               /* multi-user: berth-getpw, kept running */
  char const *prog ;
  stralloc dflt ;
  stralloc me ;
  stralloc in ;
  uid_t qowner ;           /* owner of queue/: every message file must be its */
  unsigned int timeout ;   /* control/timeoutlocal: seconds a delivery may run (0: no limit) */
  unsigned int running ;
  int eof ;                /* no more jobs */
  job jobs[SLOTS] ;
  keptset kept ;           /* single-user mode: children kept for the next delivery */
} ;

extern void drain (job *) ;
extern void parse_jobs (state *) ;
extern void reap (state *) ;
extern int expire (state *, tain *) ;
extern void finish_kept (state *, unsigned char slot) ;


#endif
