/* ISC license. */
/* berth-lspawn's setup and event loop (the job logic is in berth-lspawn.c). */

#include <errno.h>
#include <malloc.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/kept.h>
#include <berth/queue.h>
#include <berth/sibling.h>
#include "lspawn.h"
#include "state.h"

/* conf-break: the character between a user name and an extension (qmail's auto_break) */
#ifndef BERTH_CONF_BREAK
#define BERTH_CONF_BREAK '-'
#endif
#define CONF_BREAK BERTH_CONF_BREAK

static char const *sibling (char const *name)
{
  stralloc p = STRALLOC_ZERO ;
  if (!berth_sibling(&p, name)) strerr_diefu2sys(111, "find ", name) ;
  return p.s ;
}

static void setup (state *st)
{
  struct stat s ;
  stralloc sa = STRALLOC_ZERO ;
  /* berth-local and berth-getpw live next to us (an absolute path, found before the chdir) */
  st->prog = sibling(LOCAL_PROG) ;
  st->pw.prog = sibling(GETPW_PROG) ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (stat(QUEUE_DIR, &s) < 0) strerr_diefu2sys(111, "stat ", QUEUE_DIR) ;
  st->qowner = s.st_uid ;
  /* the alias uid (without a passwd "alias"): alias/'s owner, else the home's */
  if (stat(ALIAS_DIR, &s) < 0 && stat(".", &s) < 0) strerr_diefu1sys(111, "stat the instance home") ;
  st->c.root = !geteuid() ;
  st->c.uid = getuid() ; st->c.gid = getgid() ;
  st->c.homeuid = s.st_uid ; st->c.homegid = s.st_gid ;
  st->c.name = 0 ; st->c.pwdir = 0 ;
  st->c.brk = CONF_BREAK ;
  if (!st->c.root)
  {
    /* single-user: the owner's own passwd entry, once; berth-getpw is not kept */
    char fmt[UID_FMT] ;
    pwent pe ;
    int r ;
    fmt[uid_fmt(fmt, st->c.uid)] = 0 ;
    r = getpw_ask(&st->pw, 'u', fmt, &pe, &sa) ;
    if (r < 0) strerr_diefu2sys(111, "look up our passwd entry with ", st->pw.prog) ;
    if (r) { st->c.name = sa.s + pe.name ; st->c.pwdir = sa.s + pe.dir ; }
    getpw_end(&st->pw) ;
  }
  {
    stralloc cwd = STRALLOC_ZERO ;
    if (sagetcwd(&cwd) < 0 || !stralloc_cats(&cwd, "/" ALIAS_DIR) || !stralloc_0(&cwd)) strerr_diefu1sys(111, "get the instance directory") ;
    st->c.aliashome = cwd.s ;
  }
  if (control_readline(&st->dflt, "control/defaultdelivery", DEFAULT_DELIVERY) < 0) strerr_diefu1sys(111, "read control/defaultdelivery") ;
  if (!st->dflt.len && !stralloc_copys(&st->dflt, DEFAULT_DELIVERY)) strerr_diefu1sys(111, "allocate") ;
  if (!stralloc_0(&st->dflt)) strerr_diefu1sys(111, "allocate") ;
  if (control_readline(&st->me, "control/me", "localhost") < 0) strerr_diefu1sys(111, "read control/me") ;
  {
    unsigned long u ;
    if (control_readulong(&u, "control/timeoutlocal", TIMEOUT_LOCAL_DEFAULT) <= 0 || u > UINT_MAX / 2)
      strerr_dief1x(111, "control/timeoutlocal is unreadable or not a number of seconds") ;
    st->timeout = u ;
  }
}

/* a job's child on its control socket: KEPT_IDLE when berth-local returned, or EOF */
static void readctl (state *st, unsigned int slot)
{
  job *j = st->jobs + slot ;
  int r = kept_heard(j->ctl) ;
  if (!r) return ;
  if (r > 0) { j->idle = 1 ; return ; }
  fd_close(j->ctl) ;   /* EOF, an error or garbage: this child is not kept */
  j->ctl = -1 ;
}

int main (int argc, char const *const *argv)
{
  state st = { .running = 0, .pw = GETPW_ZERO, .kept = KEPTSET_ZERO } ;
  iopause_fd x[2 * SLOTS + KEPT_SET_MAX + 2] ;
  unsigned int who[2 * SLOTS + KEPT_SET_MAX + 2] ;   /* slot; SLOTS + slot: its ctl; 2 * SLOTS + kid */
  int sfd, eof = 0 ;
  PROG = "berth-lspawn" ;
  /* no fastbins: the first large malloc of a forked child would consolidate the parent's, writing
     to (so copying) every heap page holding one (doc/performance.md, "Fastbins and fork") */
  mallopt(M_MXFAST, 0) ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  for (unsigned int i = 0 ; i < SLOTS ; i++) { st.jobs[i].pid = 0 ; st.jobs[i].fd = st.jobs[i].ctl = -1 ; st.jobs[i].idle = 0 ; }
  setup(&st) ;
  tzset() ;   /* once here: the forked deliveries inherit it instead of each reading /etc/localtime */
  sig_ignore(SIGPIPE) ;
  sfd = selfpipe_init() ;
  if (sfd < 0 || !selfpipe_trap(SIGCHLD)) strerr_diefu1sys(111, "trap SIGCHLD") ;
  tain_now_set_stopwatch_g() ;

  while (!eof || st.running || st.kept.n)
  {
    unsigned int n = 0 ;
    int r ;
    tain deadline, kd ;
    int timed = expire(&st, &deadline) ;
    if (keptset_deadline(&st.kept, &kd) && (!timed || tain_less(&kd, &deadline))) { deadline = kd ; timed = 1 ; }
    x[n].fd = sfd ; x[n].events = IOPAUSE_READ ; n++ ;
    if (!eof) { x[n].fd = 0 ; x[n].events = IOPAUSE_READ ; n++ ; }
    for (unsigned int i = 0 ; i < SLOTS ; i++)
    {
      if (!st.jobs[i].pid) continue ;
      if (st.jobs[i].fd >= 0) { x[n].fd = st.jobs[i].fd ; x[n].events = IOPAUSE_READ ; who[n] = i ; n++ ; }
      if (st.jobs[i].ctl >= 0 && !st.jobs[i].idle) { x[n].fd = st.jobs[i].ctl ; x[n].events = IOPAUSE_READ ; who[n] = SLOTS + i ; n++ ; }
    }
    for (unsigned int i = 0 ; i < st.kept.n ; i++)
      if (st.kept.k[i].ctl >= 0) { x[n].fd = st.kept.k[i].ctl ; x[n].events = IOPAUSE_READ ; who[n] = 2 * SLOTS + i ; n++ ; }
    r = iopause_g(x, n, timed ? &deadline : 0) ;
    if (r < 0) strerr_diefu1sys(111, "iopause") ;
    for (unsigned int k = eof ? 1 : 2 ; k < n ; k++)
    {
      if (!x[k].revents) continue ;
      if (who[k] < SLOTS) { if (st.jobs[who[k]].fd == x[k].fd) drain(st.jobs + who[k]) ; }
      else if (who[k] < 2 * SLOTS) { if (st.jobs[who[k] - SLOTS].ctl == x[k].fd) readctl(&st, who[k] - SLOTS) ; }
      else if (who[k] - 2 * SLOTS < st.kept.n && st.kept.k[who[k] - 2 * SLOTS].ctl == x[k].fd) keptset_quit(&st.kept, who[k] - 2 * SLOTS) ;   /* EOF: it went away */
    }
    /* KEPT_IDLE comes after the child closed its stdout and stderr: its whole report is in the
       pipe (drained by finish_kept). Not waiting for EOF: a program of the .qmail may have left
       a process in the background that still holds the pipe, as reaping never waited for it. */
    for (unsigned int i = 0 ; i < SLOTS ; i++)
      if (st.jobs[i].pid && st.jobs[i].idle) finish_kept(&st, i) ;
    if (!eof && x[1].revents)
    {
      char buf[READ_CHUNK] ;
      ssize_t got = fd_read(0, buf, sizeof buf) ;
      if (got < 0)
      {
        if (errno != EAGAIN && errno != EWOULDBLOCK) strerr_diefu1sys(111, "read jobs") ;
      }
      else if (!got) eof = st.eof = 1 ;
      else
      {
        if (!stralloc_catb(&st.in, buf, got)) strerr_diefu1sys(111, "allocate") ;
        parse_jobs(&st) ;
      }
    }
    if (x[0].revents)
    {
      for (;;)
      {
        int sig = selfpipe_read() ;
        if (sig < 0) strerr_diefu1sys(111, "selfpipe_read") ;
        if (!sig) break ;
      }
      reap(&st) ;
    }
    keptset_expire(&st.kept, eof) ;
  }
  if (st.in.len) strerr_warnw1x("jobs pipe closed in the middle of a job: ignored") ;
  return 0 ;
}
