/* ISC license. */
/* The spawner skeleton's job state machine (berth/spawner.h): for each policy, state and event,
   the next state and what is done, as s6-supervise's table of actions. A job leaves a state only
   through this table; finishing writes its result (the finish hook), then keeps its child
   (KEPT_IDLE, a key) or closes its control socket, and frees the slot.
   Trust: the events come from the spawner's own children and the clock. */

#include <signal.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <berth/kept.h>
#include <berth/spawner.h>

typedef void action (spawner *, unsigned char, int) ;
typedef struct transition_s transition ;
struct transition_s
{
  spawner_jstate next ;
  action *act ;
} ;

static void a_none (spawner *sp, unsigned char slot, int wstat)
{
  (void)sp ; (void)slot ; (void)wstat ;
}

static void a_closectl (spawner *sp, unsigned char slot, int wstat)
{
  spawner_job *j = sp->jobs + slot ;
  (void)wstat ;
  if (j->ctl >= 0) fd_close(j->ctl) ;   /* EOF, an error or garbage: this child is not kept */
  j->ctl = -1 ;
}

static void a_setw (spawner *sp, unsigned char slot, int wstat)
{
  sp->jobs[slot].wstat = wstat ;
}

/* KEPT_IDLE: the job returned, as an exit 0 would say */
static void a_idle (spawner *sp, unsigned char slot, int wstat)
{
  (void)wstat ;
  sp->jobs[slot].wstat = 0 ;
}

/* the whole process group: the job's program and what it started */
static void a_kill (spawner *sp, unsigned char slot, int wstat)
{
  spawner_job *j = sp->jobs + slot ;
  (void)wstat ;
  if (sp->h->killtext) strerr_warnw1x(sp->h->killtext) ;
  kill(-j->pid, SIGKILL) ;
  kill(j->pid, SIGKILL) ;
}

static void finish (spawner *sp, unsigned char slot, spawner_end how)
{
  spawner_job *j = sp->jobs + slot ;
  if (j->fd >= 0)
  {  /* what is in the pipe now is the report (SPAWNER_NOWAIT) */
    if (spawner_report_read(sp, slot)) { fd_close(j->fd) ; j->fd = -1 ; }
  }
  sp->h->finish(sp, slot, how) ;
  if (how == SPAWNER_END_IDLE && j->keep && j->ctl >= 0) keptset_park(&sp->kept, j->pid, j->ctl, j->key, sp->eof) ;
  else if (j->ctl >= 0) fd_close(j->ctl) ;
  j->ctl = -1 ;
  j->pid = 0 ;
  j->report.len = 0 ;
  sp->running-- ;
}

static void a_fin_exit (spawner *sp, unsigned char slot, int wstat)
{
  sp->jobs[slot].wstat = wstat ;
  finish(sp, slot, SPAWNER_END_EXIT) ;
}

/* reaped before: its status is in the job */
static void a_fin_exited (spawner *sp, unsigned char slot, int wstat)
{
  (void)wstat ;
  finish(sp, slot, SPAWNER_END_EXIT) ;
}

static void a_fin_idle (spawner *sp, unsigned char slot, int wstat)
{
  (void)wstat ;
  sp->jobs[slot].wstat = 0 ;
  finish(sp, slot, SPAWNER_END_IDLE) ;
}

static void a_fin_timeout (spawner *sp, unsigned char slot, int wstat)
{
  sp->jobs[slot].wstat = wstat ;
  finish(sp, slot, SPAWNER_END_TIMEOUT) ;
}

#define F SPAWNER_FREE
#define R SPAWNER_RUN
#define E SPAWNER_EOF
#define I SPAWNER_IDLE
#define X SPAWNER_EXITED
#define K SPAWNER_KILLED

/* [policy][state][event]; events: EOF, IDLE, CTLGONE, REAPED, TIMEOUT */
static transition const table[SPAWNER_NPOLICIES][SPAWNER_NSTATES][SPAWNER_NEVENTS] =
{
  {  /* SPAWNER_NOWAIT: finished when its child exits or says KEPT_IDLE */
    /* FREE */   { { F, a_none }, { F, a_none }, { F, a_none }, { F, a_none }, { F, a_none } },
    /* RUN */    { { E, a_none }, { F, a_fin_idle }, { R, a_closectl }, { F, a_fin_exit }, { K, a_kill } },
    /* EOF */    { { E, a_none }, { F, a_fin_idle }, { E, a_closectl }, { F, a_fin_exit }, { K, a_kill } },
    /* IDLE */   { { I, a_none }, { I, a_none }, { I, a_closectl }, { F, a_fin_exit }, { K, a_kill } },
    /* EXITED */ { { F, a_fin_exited }, { X, a_none }, { X, a_closectl }, { X, a_none }, { X, a_none } },
    /* KILLED */ { { K, a_none }, { K, a_closectl }, { K, a_closectl }, { F, a_fin_timeout }, { K, a_none } },
  },
  {  /* SPAWNER_WAITEOF: finished once its report ended too */
    /* FREE */   { { F, a_none }, { F, a_none }, { F, a_none }, { F, a_none }, { F, a_none } },
    /* RUN */    { { E, a_none }, { I, a_idle }, { R, a_closectl }, { X, a_setw }, { K, a_kill } },
    /* EOF */    { { E, a_none }, { F, a_fin_idle }, { E, a_closectl }, { F, a_fin_exit }, { K, a_kill } },
    /* IDLE */   { { F, a_fin_idle }, { I, a_none }, { R, a_closectl }, { X, a_none }, { K, a_kill } },
    /* EXITED */ { { F, a_fin_exited }, { X, a_idle }, { X, a_closectl }, { X, a_none }, { X, a_none } },
    /* KILLED */ { { K, a_none }, { K, a_closectl }, { K, a_closectl }, { F, a_fin_timeout }, { K, a_none } },
  },
} ;

void spawner_on (spawner *sp, unsigned char slot, spawner_event ev, int wstat)
{
  spawner_job *j = sp->jobs + slot ;
  transition const *t = &table[sp->h->policy][j->state][ev] ;
  j->state = t->next ;   /* before the action: a finished slot is free when the hook runs */
  (*t->act)(sp, slot, wstat) ;
}
