/* ISC license. */
/* berth-lspawn's running state, shared by the job logic and the event loop. */
#ifndef BERTH_LSPAWN_STATE_H
#define BERTH_LSPAWN_STATE_H

#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/spawner.h>
#include "lspawn.h"

#define USAGE "berth-lspawn"
#define OUT_MAX 4096
#define LOCAL_PROG "berth-local"
#define DEFAULT_DELIVERY "./Maildir/"
#define TIMEOUT_LOCAL_DEFAULT 1000   /* seconds; Postfix's command_time_limit */

/* the spawner skeleton's context (berth/spawner.h): what a job needs besides its slot */
typedef struct state_s state, *state_ref ;
struct state_s
{
  lctx c ;
  getpw pw ;               /* multi-user: berth-getpw, kept running */
  char const *prog ;
  stralloc dflt ;
  stralloc me ;
  uid_t qowner ;           /* owner of queue/: every message file must be its */
  unsigned int extra[SPAWNER_SLOTS] ;   /* recipients beyond the first of each running job: refused */
} ;

/* berth-lspawn.c: the skeleton's hooks */
extern void lspawn_start (spawner *sp, spawner_jobin const *job) ;
extern void lspawn_finish (spawner *sp, unsigned char slot, spawner_end how) ;

#endif
