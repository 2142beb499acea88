/* ISC license. */
/* The spawner skeleton's job state machine (berth/spawner.h, spawner_table.c), driven event by
   event with real pipes and sockets and no child: for each policy, the sequences the loop
   produces, how each job ends (the finish hook's how and wstat), and whether its child is kept.
   And the job framing (spawner_jobscan): the first recipient's fields. */

#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/spawner.h>
#include "tap.h"

typedef struct seen_s seen ;
struct seen_s
{
  unsigned int calls ;
  spawner_end how ;
  int wstat ;
} ;

static void finish (spawner *sp, unsigned char slot, spawner_end how)
{
  seen *s = sp->ctx ;
  s->calls++ ; s->how = how ; s->wstat = sp->jobs[slot].wstat ;
}

static void start (spawner *sp, spawner_jobin const *job)
{
  (void)sp ; (void)job ;
}

/* a job in slot 7 with a report pipe (its write end closed: nothing pending) and a control socket */
static void run (spawner *sp, char const *key)
{
  int p[2], sv[2] ;
  if (pipe(p) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) _exit(111) ;
  fd_close(p[1]) ; fd_close(sv[1]) ;
  spawner_run(sp, 7, 4242, p[0], sv[0], key) ;
}

static int try (spawner_policy pol, spawner_event const *ev, unsigned int n, int wstat, seen *s, spawner_jstate *end, unsigned int *kept)
{
  spawner_hooks h = { .start = &start, .finish = &finish, .policy = pol, .reportmax = 0, .killtext = 0 } ;
  static spawner sp ;
  memset(s, 0, sizeof *s) ;
  spawner_init(&sp, &h, s) ;
  run(&sp, "k") ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (ev[i] == SPAWNER_EV_TIMEOUT) sp.jobs[7].pid = 0x7ffffff0 ;   /* no such process: kill fails harmlessly */
    spawner_on(&sp, 7, ev[i], wstat) ;
  }
  *end = sp.jobs[7].state ;
  *kept = sp.kept.n ;
  for (unsigned int i = 0 ; i < sp.kept.n ; i++) if (sp.kept.k[i].ctl >= 0) fd_close(sp.kept.k[i].ctl) ;
  if (sp.jobs[7].fd >= 0) fd_close(sp.jobs[7].fd) ;
  if (sp.jobs[7].ctl >= 0) fd_close(sp.jobs[7].ctl) ;
  stralloc_free(&sp.jobs[7].report) ;
  return sp.running ;
}

#define EOF_ SPAWNER_EV_EOF
#define IDLE SPAWNER_EV_IDLE
#define GONE SPAWNER_EV_CTLGONE
#define REAP SPAWNER_EV_REAPED
#define TIME SPAWNER_EV_TIMEOUT

struct scase
{
  char const *name ;
  spawner_policy pol ;
  spawner_event ev[4] ;
  unsigned int n ;
  spawner_jstate end ;     /* the state after the events */
  unsigned int calls ;     /* finish hook calls */
  spawner_end how ;
  int wstat ;
  unsigned int kept ;
} ;

static struct scase const cases[] =
{
  { "nowait: KEPT_IDLE finishes at once and keeps the child", SPAWNER_NOWAIT, { IDLE }, 1, SPAWNER_FREE, 1, SPAWNER_END_IDLE, 0, 1 },
  { "nowait: reaped finishes, not kept", SPAWNER_NOWAIT, { REAP }, 1, SPAWNER_FREE, 1, SPAWNER_END_EXIT, 256, 0 },
  { "nowait: EOF alone does not finish", SPAWNER_NOWAIT, { EOF_ }, 1, SPAWNER_EOF, 0, 0, 0, 0 },
  { "nowait: a closed control socket, then reaped", SPAWNER_NOWAIT, { GONE, REAP }, 2, SPAWNER_FREE, 1, SPAWNER_END_EXIT, 256, 0 },
  { "nowait: timeout, then reaped", SPAWNER_NOWAIT, { TIME, IDLE, REAP }, 3, SPAWNER_FREE, 1, SPAWNER_END_TIMEOUT, 256, 0 },
  { "waiteof: KEPT_IDLE waits for the report's end", SPAWNER_WAITEOF, { IDLE }, 1, SPAWNER_IDLE, 0, 0, 0, 0 },
  { "waiteof: KEPT_IDLE then EOF: kept", SPAWNER_WAITEOF, { IDLE, EOF_ }, 2, SPAWNER_FREE, 1, SPAWNER_END_IDLE, 0, 1 },
  { "waiteof: EOF then KEPT_IDLE: kept", SPAWNER_WAITEOF, { EOF_, IDLE }, 2, SPAWNER_FREE, 1, SPAWNER_END_IDLE, 0, 1 },
  { "waiteof: reaped waits for the report's end", SPAWNER_WAITEOF, { REAP }, 1, SPAWNER_EXITED, 0, 0, 0, 0 },
  { "waiteof: reaped then EOF: its status", SPAWNER_WAITEOF, { REAP, EOF_ }, 2, SPAWNER_FREE, 1, SPAWNER_END_EXIT, 256, 0 },
  { "waiteof: EOF then reaped", SPAWNER_WAITEOF, { EOF_, REAP }, 2, SPAWNER_FREE, 1, SPAWNER_END_EXIT, 256, 0 },
  { "waiteof: KEPT_IDLE, reaped, EOF: success, not kept", SPAWNER_WAITEOF, { IDLE, REAP, EOF_ }, 3, SPAWNER_FREE, 1, SPAWNER_END_EXIT, 0, 0 },
  { "waiteof: reaped, KEPT_IDLE heard late, EOF: success, not kept", SPAWNER_WAITEOF, { REAP, IDLE, EOF_ }, 3, SPAWNER_FREE, 1, SPAWNER_END_EXIT, 0, 0 },
} ;

int main (void)
{
  size_t nc = sizeof cases / sizeof *cases ;
  TAP_PLAN(nc + 3) ;
  tain_now_set_stopwatch_g() ;
  for (size_t i = 0 ; i < nc ; i++)
  {
    struct scase const *c = cases + i ;
    seen s ;
    spawner_jstate end ;
    unsigned int kept ;
    int running = try(c->pol, c->ev, c->n, 256, &s, &end, &kept) ;
    int ok = end == c->end && s.calls == c->calls && kept == c->kept && running == (end != SPAWNER_FREE) ;
    if (ok && c->calls) ok = s.how == c->how && s.wstat == c->wstat ;
    TAP_OK(ok, "%s", c->name) ;
  }
  {
    spawner_jobin j ;
    static char const two[] = "\5id\0f@x\0t@y\0id2\0f@x\0u@y\0\0" ;
    size_t r = spawner_jobscan(two, sizeof two - 1, &j) ;
    TAP_OK(r == sizeof two - 1 && j.n == 2 && !j.bad && !strcmp(j.f[0], "id") && !strcmp(j.f[1], "f@x") && !strcmp(j.f[2], "t@y"), "jobscan: the first recipient's fields") ;
    r = spawner_jobscan("\5id\0f\0\0\0", 8, &j) ;
    TAP_OK(r == 8 && j.n == 1 && j.bad && !*j.f[2], "jobscan: an empty recipient is a complete job, marked bad") ;
    r = spawner_jobscan("\5\0", 2, &j) ;
    TAP_OK(r == 2 && !j.n && !j.f[0], "jobscan: a job without recipients") ;
  }
  return TAP_DONE() ;
}
