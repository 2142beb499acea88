/* ISC license. */
/* berth-send: the queue scanner and scheduler. Long-running, never root. Takes committed messages
   from queue/todo, classifies recipients, records state durably, hands jobs to the spawners on
   fds 3/4 (local) and 5/6 (remote), and retries on qmail's schedule.
   Trust: queue files (queue owner), spawner results (format-checked), signals from the supervisor. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <berth/clock.h>
#include <berth/home.h>
#include <berth/stdopts.h>
#include "send.h"

#define USAGE "berth-send (run by berth-start)"
#define SYNOPSIS "berth-send             # no arguments: run by berth-start, with the spawners on fds 3-6"

typedef struct loop_s loop ;
struct loop_s
{
  int sfd ;
  int tfd ;
  int cfd ;
  int term ;
  uint64_t termdeadline ;
  uint64_t next_scan ;
  uint64_t next_clean ;
} ;

static void setup_fd (int fd, char const *what)
{
  if (fcntl(fd, F_GETFD) < 0) strerr_dief3x(100, "fd ", what, " is not open: run me from berth-start") ;
  if (ndelay_on(fd) < 0 || coe(fd) < 0) strerr_diefu2sys(111, "set up fd ", what) ;
}

static void mkdir_maybe (char const *dir)
{
  if (mkdir(dir, 0700) < 0 && errno != EEXIST) strerr_diefu2sys(111, "mkdir ", dir) ;
}

static void status (ctx *c, char const *what)
{
  log_start() ; log_key("event", what) ;
  log_keyu("local", c->ch[CHAN_LOCAL].busy) ; log_keyu("local_max", c->conc[CHAN_LOCAL]) ;
  log_keyu("remote", c->ch[CHAN_REMOTE].busy) ; log_keyu("remote_max", c->conc[CHAN_REMOTE]) ;
  log_keyu("messages", genalloc_len(msg, &c->msgs) - genalloc_len(uint32_t, &c->freemsgs)) ;
  log_end() ;
}

static void handle_signals (ctx *c, loop *l)
{
  for (;;)
  {
    int sig = selfpipe_read() ;
    if (sig < 0) strerr_diefu1sys(111, "read the selfpipe") ;
    if (!sig) break ;
    switch (sig)
    {
      case SIGTERM :
        if (!l->term) { l->term = 1 ; l->termdeadline = c->now + SEND_TERM_GRACE_MS ; status(c, "stopping") ; }
        break ;
      case SIGHUP : conf_read(c, 1) ; status(c, "reread") ; break ;
      case SIGALRM : retry_all(c) ; scan_todo(c) ; status(c, "retry-all") ; break ;
      case SIGCHLD :
      {
        int wstat ;
        pid_t pid ;
        int reaped = 0 ;
        while ((pid = wait_nohang(&wstat)) > 0)
        {
          reaped = 1 ;
          if (bouncer_reaped(c, pid, wstat)) continue ;
          log_start() ; log_key("event", "child-exit") ; log_keyu("pid", pid) ;
          log_keyu("status", wait_estatus(wstat)) ; log_end() ;
        }
        /* a bouncer that finished may have unblocked <id>B or <id>D in todo/ */
        if (reaped) { waiting_check(c) ; scan_todo(c) ; }
        break ;
      }
      default : break ;
    }
  }
}

static uint64_t next_deadline (ctx *c, loop const *l)
{
  uint64_t t = l->term ? l->termdeadline : (l->next_scan < l->next_clean ? l->next_scan : l->next_clean) ;
  if (!l->term && todo_pending(c)) return c->now ;
  if (!l->term)
    for (unsigned int ch = 0 ; ch < CHAN_N ; ch++)
    {
      hent e ;
      if (c->ch[ch].busy < c->conc[ch] && heap_top(&c->ch[ch].heap, &e) && e.when < t) t = e.when ;
    }
  if (dest_deadline(c) < t) t = dest_deadline(c) ;
  return t ;
}

static void drain (int fd)
{
  char buf[256] ;
  while (fd_read(fd, buf, sizeof buf) > 0) ;
}

int main (int argc, char const *const *argv)
{
  stralloc ctlin = STRALLOC_ZERO ;
  ctx c = { .bounceprog = 0, .bouncepids = GENALLOC_ZERO, .rw = REWRITE_ZERO, .msgs = GENALLOC_ZERO, .freemsgs = GENALLOC_ZERO, .waiting = GENALLOC_ZERO, .genctr = 0, .tmp = STRALLOC_ZERO, .messdirty = 0, .gone = STRALLOC_ZERO, .poolnext = 0, .fsnames = 0, .todo = STRALLOC_ZERO, .todopos = 0, .states = STRALLOC_ZERO, .statepos = 0, .memused = 0, .memfull = 0, .todoscan = 0, .byid = 0, .dests = GENALLOC_ZERO, .destbyname = 0, .destmap = STRALLOC_ZERO, .synth = STRALLOC_ZERO, .destdirty = 1, .destpub = 0 } ;
  loop l = { .term = 0 } ;
  PROG = "berth-send" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  if (!getuid() || !geteuid()) strerr_dief1x(100, "refusing to run as root") ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  c.ch[CHAN_LOCAL].name = "local" ; c.ch[CHAN_LOCAL].jobfd = FD_LOCAL_JOBS ; c.ch[CHAN_LOCAL].resfd = FD_LOCAL_RESULTS ;
  c.ch[CHAN_REMOTE].name = "remote" ; c.ch[CHAN_REMOTE].jobfd = FD_REMOTE_JOBS ; c.ch[CHAN_REMOTE].resfd = FD_REMOTE_RESULTS ;
  setup_fd(FD_LOCAL_JOBS, "3") ; setup_fd(FD_LOCAL_RESULTS, "4") ;
  setup_fd(FD_REMOTE_JOBS, "5") ; setup_fd(FD_REMOTE_RESULTS, "6") ;
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;
  l.sfd = selfpipe_init() ;
  if (l.sfd < 0) strerr_diefu1sys(111, "init the selfpipe") ;
  {
    sigset_t set ;
    sigemptyset(&set) ;
    sigaddset(&set, SIGTERM) ; sigaddset(&set, SIGHUP) ; sigaddset(&set, SIGALRM) ; sigaddset(&set, SIGCHLD) ;
    if (!selfpipe_trapset(&set)) strerr_diefu1sys(111, "trap signals") ;
  }
  l.tfd = open(QUEUE_TRIGGER, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (l.tfd < 0) strerr_diefu2sys(111, "open ", QUEUE_TRIGGER) ;
  if (open(QUEUE_TRIGGER, O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0) strerr_diefu2sys(111, "open ", QUEUE_TRIGGER) ;
  mkdir_maybe(QUEUE_STATE) ;
  mkdir_maybe(QUEUE_BOUNCE) ;
  mkdir_maybe(QUEUE_DELAY) ;
  mkdir_maybe(QUEUE_POOL) ;
  mkdir_maybe(QUEUE_BAD) ;
  {
    int fd = open(QUEUE_STATE, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
    if (fd < 0) strerr_diefu2sys(111, "open ", QUEUE_STATE) ;
    c.fsnames = queue_fsync_names(fd) ;
    fd_close(fd) ;
  }
  l.cfd = ctl_init() ;
  conf_read(&c, 0) ;
  c.bounceprog = bouncer_prog() ;

  c.now = berth_clock_ms() ;
  scan_recover(&c) ;
  scan_state(&c) ;
  scan_todo(&c) ;
  scan_clean(&c) ;
  l.next_scan = c.now + SEND_SCAN_MS ;
  l.next_clean = c.now + SEND_CLEAN_MS ;
  status(&c, "start") ;

  for (;;)
  {
    iopause_fd x[3 + 2 * CHAN_N] ;
    unsigned int n = 3, ri[CHAN_N] ;
    uint64_t t ;
    tain deadline, tto ;
    int r ;
    c.now = berth_clock_ms() ;
    if (l.term)
    {
      if (!c.ch[CHAN_LOCAL].busy && !c.ch[CHAN_REMOTE].busy) break ;
      if (c.now >= l.termdeadline) { status(&c, "stop-timeout") ; break ; }
    }
    msgs_sync(&c) ;
    if (!l.term) todo_step(&c) ;
    if (!l.term)
      for (unsigned int ch = 0 ; ch < CHAN_N ; ch++) chan_dispatch(&c, ch) ;
    dest_publish(&c) ;
    for (unsigned int ch = 0 ; ch < CHAN_N ; ch++)
      if (!chan_flush(&c, ch)) strerr_diefu3sys(111, "write jobs to the ", c.ch[ch].name, " spawner") ;

    x[0].fd = l.sfd ; x[0].events = IOPAUSE_READ ;
    x[1].fd = l.tfd ; x[1].events = IOPAUSE_READ ;
    x[2].fd = l.cfd ; x[2].events = l.cfd >= 0 ? IOPAUSE_READ : 0 ;
    for (unsigned int ch = 0 ; ch < CHAN_N ; ch++)
    {
      ri[ch] = n ; x[n].fd = c.ch[ch].resfd ; x[n++].events = IOPAUSE_READ ;
      if (c.ch[ch].out.len) { x[n].fd = c.ch[ch].jobfd ; x[n++].events = IOPAUSE_WRITE ; }
    }
    t = next_deadline(&c, &l) ;
    tain_now_g() ;
    tain_from_millisecs(&tto, t > c.now ? (t - c.now > 3600000 ? 3600000 : (int)(t - c.now)) : 0) ;
    tain_add_g(&deadline, &tto) ;
    r = iopause_g(x, n, &deadline) ;
    if (r < 0) strerr_diefu1sys(111, "iopause") ;
    c.now = berth_clock_ms() ;
    if (x[0].revents & IOPAUSE_READ) handle_signals(&c, &l) ;
    if (x[1].revents & IOPAUSE_READ) { drain(l.tfd) ; scan_todo(&c) ; waiting_check(&c) ; }
    if (l.cfd >= 0 && x[2].revents & IOPAUSE_READ) ctl_read(&c, l.cfd, &ctlin) ;
    for (unsigned int ch = 0 ; ch < CHAN_N ; ch++)
      if (x[ri[ch]].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT) && !chan_results(&c, ch))
      {
        if (l.term) { msgs_sync(&c) ; status(&c, "spawner-gone") ; return 0 ; }
        strerr_diefu3sys(111, "read results from the ", c.ch[ch].name, " spawner") ;
      }
    if (!l.term && c.now >= l.next_scan)
    {
      scan_todo(&c) ; waiting_check(&c) ;
      l.next_scan = c.now + SEND_SCAN_MS ;
    }
    if (!l.term) bouncer_run(&c) ;
    if (!l.term && c.now >= l.next_clean)
    {
      scan_clean(&c) ;
      l.next_clean = c.now + SEND_CLEAN_MS ;
    }
  }
  msgs_sync(&c) ;
  status(&c, "exit") ;
  return 0 ;
}
