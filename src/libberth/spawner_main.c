/* ISC license. */
/* The spawner skeleton's loop (berth/spawner.h): one iopause over SIGCHLD (a selfpipe), the
   jobs on fd 0, the results on fd 1, each job's report pipe and control socket and each kept
   child's control socket; reaping; the jobs' deadlines and the kept children's. Every change of
   a job goes through spawner_on (spawner_table.c). Trust: as berth/spawner.h. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <berth/kept.h>
#include <berth/spawner.h>

#define NFIXED 3                                   /* selfpipe, fd 0, fd 1 */
#define NPOLL (NFIXED + 2 * SPAWNER_SLOTS + KEPT_SET_MAX)

/* what an iopause entry past the fixed ones is */
typedef enum what_e what ;
enum what_e { W_REPORT, W_CTL, W_KEPT } ;
typedef struct entry_s entry ;
struct entry_s
{
  what w ;
  unsigned int i ;   /* a slot, or an index in the kept set */
} ;

void spawner_init (spawner *sp, spawner_hooks const *h, void *ctx)
{
  sp->h = h ; sp->ctx = ctx ;
  sp->timeout = 0 ; sp->running = 0 ; sp->eof = 0 ;
  sp->in = stralloc_zero ;
  bufalloc_init(&sp->out, &fd_write, 1) ;
  sp->kept.n = 0 ; sp->kept.killsecs = 0 ;
  for (unsigned int i = 0 ; i < SPAWNER_SLOTS ; i++)
  {
    spawner_job *j = sp->jobs + i ;
    j->state = SPAWNER_FREE ; j->pid = 0 ; j->fd = j->ctl = -1 ; j->keep = 0 ;
    j->report = stralloc_zero ;
  }
}

/* the jobs' deadlines: those past it killed; the earliest still to come in *next (1), or 0 */
static int expire (spawner *sp, tain *next)
{
  int have = 0 ;
  if (!sp->timeout) return 0 ;
  for (unsigned int i = 0 ; i < SPAWNER_SLOTS ; i++)
  {
    spawner_job *j = sp->jobs + i ;
    if (j->state == SPAWNER_FREE || j->state == SPAWNER_KILLED || j->state == SPAWNER_EXITED) continue ;
    if (!tain_less(&STAMP, &j->deadline)) { spawner_on(sp, i, SPAWNER_EV_TIMEOUT, 0) ; continue ; }
    if (!have || tain_less(&j->deadline, next)) { *next = j->deadline ; have = 1 ; }
  }
  return have ;
}

static void reap (spawner *sp)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = wait_nohang(&wstat) ;
    if (pid <= 0) break ;
    if (keptset_reaped(&sp->kept, pid)) continue ;
    for (unsigned int i = 0 ; i < SPAWNER_SLOTS ; i++)
      if (sp->jobs[i].pid == pid && sp->jobs[i].state != SPAWNER_FREE && sp->jobs[i].state != SPAWNER_EXITED)
      {
        spawner_on(sp, i, SPAWNER_EV_REAPED, wstat) ;
        break ;
      }
  }
}

/* one read of the jobs pipe, then every complete job started */
static void readjobs (spawner *sp)
{
  size_t pos = 0 ;
  ssize_t r ;
  if (!stralloc_readyplus(&sp->in, SPAWNER_READ_CHUNK)) strerr_diefu1sys(111, "read jobs") ;
  r = fd_read(0, sp->in.s + sp->in.len, SPAWNER_READ_CHUNK) ;
  if (r < 0)
  {
    if (!error_isagain(errno)) strerr_diefu1sys(111, "read jobs") ;
    return ;
  }
  if (!r) { sp->eof = 1 ; return ; }
  sp->in.len += r ;
  for (;;)
  {
    spawner_jobin job ;
    size_t len = pos < sp->in.len ? spawner_jobscan(sp->in.s + pos, sp->in.len - pos, &job) : 0 ;
    if (!len) break ;
    sp->h->start(sp, &job) ;
    pos += len ;
  }
  if (pos)
  {
    memmove(sp->in.s, sp->in.s + pos, sp->in.len - pos) ;
    sp->in.len -= pos ;
  }
}

static void flush (spawner *sp)
{
  if (!bufalloc_flush(&sp->out) && !error_isagain(errno)) strerr_diefu1sys(111, "write results") ;
}

static void ctl_heard (spawner *sp, unsigned int slot)
{
  int r = kept_heard(sp->jobs[slot].ctl) ;
  if (r) spawner_on(sp, slot, r > 0 ? SPAWNER_EV_IDLE : SPAWNER_EV_CTLGONE, 0) ;
}

static unsigned int prepare (spawner *sp, iopause_fd *x, entry *who)
{
  unsigned int n = NFIXED ;
  x[1].fd = 0 ; x[1].events = sp->eof ? 0 : IOPAUSE_READ ;
  x[2].fd = 1 ; x[2].events = bufalloc_len(&sp->out) ? IOPAUSE_WRITE : 0 ;
  for (unsigned int i = 0 ; i < SPAWNER_SLOTS ; i++)
  {
    spawner_job const *j = sp->jobs + i ;
    if (j->state == SPAWNER_FREE) continue ;
    if (j->fd >= 0) { x[n].fd = j->fd ; x[n].events = IOPAUSE_READ ; who[n] = (entry){ .w = W_REPORT, .i = i } ; n++ ; }
    if (j->ctl >= 0 && j->state != SPAWNER_IDLE) { x[n].fd = j->ctl ; x[n].events = IOPAUSE_READ ; who[n] = (entry){ .w = W_CTL, .i = i } ; n++ ; }
  }
  for (unsigned int i = 0 ; i < sp->kept.n ; i++)
    if (sp->kept.k[i].ctl >= 0)
    {  /* a kept child says nothing: readable is its EOF */
      x[n].fd = sp->kept.k[i].ctl ; x[n].events = IOPAUSE_READ ; who[n] = (entry){ .w = W_KEPT, .i = i } ; n++ ;
    }
  return n ;
}

static void handle (spawner *sp, iopause_fd const *x, entry const *who, unsigned int n)
{
  for (unsigned int k = NFIXED ; k < n ; k++)
  {
    unsigned int i = who[k].i ;
    if (!(x[k].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))) continue ;
    switch (who[k].w)
    {   /* an entry may be stale: the event before it in this round changed its job */
      case W_REPORT :
        if (sp->jobs[i].fd == x[k].fd && !spawner_report_read(sp, i)) spawner_on(sp, i, SPAWNER_EV_EOF, 0) ;
        break ;
      case W_CTL :
        if (sp->jobs[i].ctl == x[k].fd && sp->jobs[i].state != SPAWNER_IDLE) ctl_heard(sp, i) ;
        break ;
      case W_KEPT :
        if (i < sp->kept.n && sp->kept.k[i].ctl == x[k].fd) keptset_quit(&sp->kept, i) ;   /* it went away by itself */
        break ;
    }
  }
}

void spawner_loop (spawner *sp)
{
  iopause_fd x[NPOLL] ;
  entry who[NPOLL] ;
  int sfd ;
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;
  sfd = selfpipe_init() ;
  if (sfd < 0 || !selfpipe_trap(SIGCHLD)) strerr_diefu1sys(111, "trap SIGCHLD") ;
  tain_now_set_stopwatch_g() ;
  x[0].fd = sfd ; x[0].events = IOPAUSE_READ ;
  while (!sp->eof || sp->running || bufalloc_len(&sp->out) || sp->kept.n)
  {
    tain deadline, kd ;
    int timed = expire(sp, &deadline) ;
    unsigned int n = prepare(sp, x, who) ;
    if (keptset_deadline(&sp->kept, &kd) && (!timed || tain_less(&kd, &deadline))) { deadline = kd ; timed = 1 ; }
    if (iopause_g(x, n, timed ? &deadline : 0) < 0) strerr_diefu1sys(111, "iopause") ;
    if (x[0].revents & IOPAUSE_READ)
    {
      for (;;)
      {
        int sig = selfpipe_read() ;
        if (sig < 0) strerr_diefu1sys(111, "selfpipe_read") ;
        if (!sig) break ;
      }
      reap(sp) ;
    }
    handle(sp, x, who, n) ;
    if (!sp->eof && x[1].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) readjobs(sp) ;
    keptset_expire(&sp->kept, sp->eof) ;
    if (bufalloc_len(&sp->out)) flush(sp) ;
  }
  if (sp->in.len) strerr_warnw1x("jobs pipe closed in the middle of a job: ignored") ;
}
