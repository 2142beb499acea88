/* ISC license. */
/* berth-rspawn: the remote spawner. Jobs from berth-send on fd 0, results on fd 1 (spawn protocol,
   doc/berth-rspawn.md); runs berth-remote (or the given program) per job with the message as fd 0.
   Never root. Trust: jobs come from berth-send; reports from berth-remote are checked. */

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/posixplz.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/home.h>
#include <berth/logfield.h>
#include <berth/queue.h>
#include <berth/rreport.h>
#include <berth/sibling.h>
#include "rspawn.h"

#define USAGE "berth-rspawn [ prog... ]"
#define READ_CHUNK 8192
#define REMOTE_NAME "berth-remote"

static void result (state *st, unsigned char slot, char const *records, size_t len)
{
  char c = (char)slot ;
  if (!stralloc_catb(&st->out, &c, 1) || !stralloc_catb(&st->out, records, len))
    strerr_diefu1sys(111, "queue a result") ;
}

static void fail_all (state *st, unsigned char slot, unsigned int n, char const *text)
{
  stralloc r = STRALLOC_ZERO ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (!stralloc_catb(&r, "Z", 1) || !stralloc_cats(&r, text) || !stralloc_0(&r)) strerr_diefu1sys(111, "queue a result") ;
  result(st, slot, r.s, r.len) ;
  stralloc_free(&r) ;
}

static void start (state *st, char const *s, size_t len, unsigned int n)
{
  unsigned char slot = (unsigned char)s[0] ;
  char const *id = s + 1 ;
  char const *sender = id + strlen(id) + 1 ;
  char const *argv[st->nprog + n + 3] ;
  char const *host ;
  unsigned int a = 0 ;
  size_t pos = 1 ;
  job *j = st->jobs + slot ;
  int p[2], m, ctl ;
  pid_t pid ;
  if (j->pid) strerr_dief1x(100, "protocol error: a job for a busy slot") ;
  for (unsigned int i = 0 ; i < st->nprog ; i++) argv[a++] = st->prog[i] ;
  argv[a++] = 0 ;   /* host, below */
  argv[a++] = sender ;
  for (unsigned int i = 0 ; i < n ; i++)
  {  /* each triple: id, sender, rcpt */
    pos += strlen(s + pos) + 1 ;
    pos += strlen(s + pos) + 1 ;
    argv[a++] = s + pos ;
    pos += strlen(s + pos) + 1 ;
  }
  argv[a] = 0 ;
  host = n ? strrchr(argv[st->nprog + 2], '@') : 0 ;   /* a job without recipients has no host */
  argv[st->nprog] = host ? host + 1 : "" ;
  if (!*id || strchr(id, '/') || id[0] == '.') { fail_all(st, slot, n, "Bad queue id. (#4.3.0)") ; return ; }
  {
    char fn[sizeof(QUEUE_MESS) + strlen(id) + 1] ;
    memcpy(fn, QUEUE_MESS "/", sizeof(QUEUE_MESS)) ;
    memcpy(fn + sizeof(QUEUE_MESS), id, strlen(id) + 1) ;
    m = open(fn, O_RDONLY | O_CLOEXEC) ;
  }
  if (m >= 0)
  {
    off_t start = queue_mess_seek(m) ;   /* past the queue header */
    if (start < 0) { fd_close(m) ; m = -1 ; }
    else if (start && !st->inproc)
    {
      int c = queue_mess_memfd(m) ;   /* from offset 0, as qmail-rspawn gives it */
      fd_close(m) ;
      m = c ;
    }
  }
  if (m < 0) { fail_all(st, slot, n, "Unable to open the message file. (#4.3.0)") ; return ; }
  if (pipe2(p, O_CLOEXEC) < 0) { fd_close(m) ; fail_all(st, slot, n, "Unable to create a pipe. (#4.3.0)") ; return ; }
  ctl = -1 ;
  /* a child whose session with host is kept, given the job's words, host first */
  pid = st->inproc && host ? keptset_give(&st->kept, argv[st->nprog], m, p[1], argv + st->nprog, a - st->nprog, &ctl) : 0 ;
  if (!pid)
  {
    int sv[2] = { -1, -1 } ;
    if (st->inproc && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      fd_close(m) ; fd_close(p[0]) ; fd_close(p[1]) ;
      fail_all(st, slot, n, "Unable to create a socket pair. (#4.3.0)") ;
      return ;
    }
    pid = rspawn_run(argv, a, st->inproc, m, p[1], sv[1]) ;
    if (sv[1] >= 0) fd_close(sv[1]) ;
    ctl = sv[0] ;
    if (!pid && ctl >= 0) { fd_close(ctl) ; ctl = -1 ; }
  }
  fd_close(m) ;
  fd_close(p[1]) ;
  if (!pid)
  {
    strerr_warnwu2sys("spawn ", argv[0]) ;
    fd_close(p[0]) ;
    fail_all(st, slot, n, RREPORT_UNABLE) ;
    return ;
  }
  ndelay_on(p[0]) ;
  if (ctl >= 0) ndelay_on(ctl) ;
  j->pid = pid ; j->fd = p[0] ; j->ctl = ctl ; j->idle = 0 ; j->reaped = 0 ; j->wstat = 0 ; j->n = n ; j->report.len = 0 ;
  j->host[0] = 0 ;
  if (host && strlen(host + 1) <= HOST_MAX) memcpy(j->host, host + 1, strlen(host + 1) + 1) ;
  j->job.len = 0 ;
  if (!stralloc_catb(&j->job, s, len)) strerr_diefu1sys(111, "store a job") ;
  j->start = STAMP ;
  st->running++ ;
}

/* one log line per recipient: id, recipient, delay, status, the text, under berth's log quoting
   rule (berth/logfield.h): a recipient's bytes or a server's reply cannot forge a field */
static void logresult (job const *j, char const *r)
{
  char const *s = j->job.s + 1 ;
  char const *id = s ;
  char fmt[UINT64_FMT] ;
  stralloc line = STRALLOC_ZERO ;
  tain d ;
  size_t n ;
  tain_sub(&d, &STAMP, &j->start) ;
  n = uint64_fmt(fmt, tai_sec(tain_secp(&d))) ;
  fmt[n++] = 's' ;
  for (unsigned int i = 0 ; i < j->n ; i++)
  {
    char const *status = *r == 'K' ? "sent" : *r == 'Z' ? "deferred" : "bounced" ;
    s += strlen(s) + 1 ;                 /* sender */
    s += strlen(s) + 1 ;                 /* recipient */
    line.len = 0 ;
    if (!stralloc_cats(&line, PROG) || !stralloc_cats(&line, ": info:")
     || !logfield_cat(&line, "id", id, strlen(id)) || !logfield_cat(&line, "rcpt", s, strlen(s))
     || !logfield_cat(&line, "delay", fmt, n) || !logfield_cat(&line, "status", status, strlen(status))
     || !logfield_catq(&line, "reply", r + 1, strlen(r + 1)) || !stralloc_catb(&line, "\n", 1))
      strerr_diefu1sys(111, "build a log line") ;
    buffer_putflush(buffer_2, line.s, line.len) ;
    s += strlen(s) + 1 ;                 /* next id */
    r += strlen(r) + 1 ;
  }
  stralloc_free(&line) ;
}

static void finish_if_done (state *st, unsigned int slot)
{
  job *j = st->jobs + slot ;
  stralloc r = STRALLOC_ZERO ;
  int ok ;
  if (!j->pid || j->fd >= 0 || !(j->reaped || j->idle)) return ;
  ok = j->idle || (WIFEXITED(j->wstat) && !WEXITSTATUS(j->wstat)) ;
  if (!rreport_records(&r, j->report.s, j->report.len, ok, j->n)) strerr_diefu1sys(111, "build a result") ;
  logresult(j, r.s) ;
  result(st, slot, r.s, r.len) ;
  stralloc_free(&r) ;
  if (j->idle && !j->reaped && j->host[0]) keptset_park(&st->kept, j->pid, j->ctl, j->host, !st->inopen) ;
  else if (j->ctl >= 0) fd_close(j->ctl) ;
  j->ctl = -1 ;
  j->pid = 0 ;
  st->running-- ;
}

/* the child's word on its control socket: KEPT_IDLE once its report is written, or EOF */
static void readctl (state *st, unsigned int slot)
{
  job *j = st->jobs + slot ;
  int r = kept_heard(j->ctl) ;
  if (!r) return ;
  if (r > 0 && !j->idle) { j->idle = 1 ; finish_if_done(st, slot) ; return ; }
  fd_close(j->ctl) ;   /* EOF, an error, or garbage: no reuse of this child */
  j->ctl = -1 ;
  j->idle = 0 ;
}

static void reap (state *st)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = wait_nohang(&wstat) ;
    if (pid <= 0) break ;
    if (keptset_reaped(&st->kept, pid)) continue ;
    for (unsigned int i = 0 ; i < SLOTS ; i++)
      if (st->jobs[i].pid == pid && !st->jobs[i].reaped)
      {
        st->jobs[i].reaped = 1 ;
        st->jobs[i].wstat = wstat ;
        finish_if_done(st, i) ;
        break ;
      }
  }
}

static void readreport (state *st, unsigned int slot)
{
  job *j = st->jobs + slot ;
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(&j->report, READ_CHUNK)) strerr_diefu1sys(111, "read a report") ;
    r = fd_read(j->fd, j->report.s + j->report.len, READ_CHUNK) ;
    if (r > 0) { j->report.len += r ; continue ; }
    if (r < 0 && error_isagain(errno)) return ;
    fd_close(j->fd) ;
    j->fd = -1 ;
    finish_if_done(st, slot) ;
    return ;
  }
}

static int readjobs (state *st)
{
  int open = 1 ;
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(&st->in, READ_CHUNK)) strerr_diefu1sys(111, "read jobs") ;
    r = fd_read(0, st->in.s + st->in.len, READ_CHUNK) ;
    if (r > 0) { st->in.len += r ; continue ; }
    if (r < 0 && error_isagain(errno)) break ;
    if (r < 0) strerr_diefu1sys(111, "read jobs") ;
    open = 0 ;
    break ;
  }
  for (;;)
  {
    unsigned int n ;
    long l = rjob_scan(st->in.s, st->in.len, &n) ;
    if (!l) break ;
    if (l < 0) strerr_dief1x(100, "protocol error: malformed job") ;
    start(st, st->in.s, l, n) ;
    memmove(st->in.s, st->in.s + l, st->in.len - l) ;
    st->in.len -= l ;
  }
  return open ;
}

int main (int argc, char const *const *argv)
{
  char const *dflt[2] = { "berth-remote", 0 } ;
  state st = { .in = STRALLOC_ZERO, .out = STRALLOC_ZERO, .inopen = 1, .kept = KEPTSET_ZERO } ;
  int sfd ;
  PROG = "berth-rspawn" ;
  /* no fastbins: the first large malloc of a forked child would consolidate the parent's, writing
     to (so copying) every heap page holding one (doc/performance.md, "Fastbins and fork") */
  mallopt(M_MXFAST, 0) ;
  if (!getuid() || !geteuid()) strerr_dief1x(100, "refusing to run as root") ;
  {  /* $BERTH_REMOTE, else berth-remote next to this program, else through PATH */
    char const *env = getenv("BERTH_REMOTE") ;
    stralloc sa = STRALLOC_ZERO ;   /* lives as long as the process */
    st.inproc = argc <= 1 && !(env && *env) ;   /* berth-remote's own code, else an exec */
    if (env && *env) dflt[0] = env ;
    else if (berth_sibling(&sa, REMOTE_NAME)) dflt[0] = sa.s ;
  }
  st.prog = argc > 1 ? argv + 1 : dflt ;
  st.nprog = argc > 1 ? (unsigned int)argc - 1 : 1 ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  for (unsigned int i = 0 ; i < SLOTS ; i++) st.jobs[i].fd = st.jobs[i].ctl = -1 ;
  sfd = selfpipe_init() ;
  if (sfd < 0 || !selfpipe_trap(SIGCHLD)) strerr_diefu1sys(111, "trap SIGCHLD") ;
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;
  if (ndelay_on(0) < 0 || ndelay_on(1) < 0) strerr_diefu1sys(111, "set non-blocking mode") ;
  tain_now_set_stopwatch_g() ;
  while (st.inopen || st.running || st.out.len || st.kept.n)
  {
    iopause_fd x[3 + 2 * SLOTS + KEPT_SET_MAX] ;
    unsigned int idx[2 * SLOTS + KEPT_SET_MAX] ;   /* slot, SLOTS + slot for a ctl, 2 * SLOTS + idle */
    unsigned int nx = 0, nj = 0 ;
    tain deadline ;
    x[nx++] = (iopause_fd){ .fd = sfd, .events = IOPAUSE_READ } ;
    x[nx] = (iopause_fd){ .fd = 0, .events = st.inopen ? IOPAUSE_READ : 0 } ; nx++ ;
    x[nx] = (iopause_fd){ .fd = 1, .events = st.out.len ? IOPAUSE_WRITE : 0 } ; nx++ ;
    for (unsigned int i = 0 ; i < SLOTS ; i++)
    {
      if (!st.jobs[i].pid) continue ;
      if (st.jobs[i].fd >= 0)
      {
        idx[nj++] = i ;
        x[nx++] = (iopause_fd){ .fd = st.jobs[i].fd, .events = IOPAUSE_READ } ;
      }
      if (st.jobs[i].ctl >= 0 && !st.jobs[i].idle)
      {
        idx[nj++] = SLOTS + i ;
        x[nx++] = (iopause_fd){ .fd = st.jobs[i].ctl, .events = IOPAUSE_READ } ;
      }
    }
    for (unsigned int i = 0 ; i < st.kept.n ; i++)
      if (st.kept.k[i].ctl >= 0)
      {   /* a kept child says nothing: readable is its EOF */
        idx[nj++] = 2 * SLOTS + i ;
        x[nx++] = (iopause_fd){ .fd = st.kept.k[i].ctl, .events = IOPAUSE_READ } ;
      }
    if (iopause_g(x, nx, keptset_deadline(&st.kept, &deadline) ? &deadline : 0) < 0) strerr_diefu1sys(111, "iopause") ;
    if (x[0].revents & IOPAUSE_READ)
      for (;;)
      {
        int sig = selfpipe_read() ;
        if (sig < 0) strerr_diefu1sys(111, "selfpipe_read") ;
        if (!sig) break ;
        if (sig == SIGCHLD) reap(&st) ;
      }
    for (unsigned int k = 0 ; k < nj ; k++)
    {
      if (!(x[3 + k].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))) continue ;
      if (idx[k] < SLOTS) { if (st.jobs[idx[k]].fd >= 0) readreport(&st, idx[k]) ; }
      else if (idx[k] < 2 * SLOTS) { if (st.jobs[idx[k] - SLOTS].ctl >= 0) readctl(&st, idx[k] - SLOTS) ; }
      else if (idx[k] - 2 * SLOTS < st.kept.n && st.kept.k[idx[k] - 2 * SLOTS].ctl == x[3 + k].fd)
        keptset_quit(&st.kept, idx[k] - 2 * SLOTS) ;   /* it went away by itself */
    }
    if (st.inopen && x[1].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) st.inopen = readjobs(&st) ;
    keptset_expire(&st.kept, !st.inopen) ;
    if (st.out.len && x[2].revents & (IOPAUSE_WRITE | IOPAUSE_EXCEPT))
    {
      ssize_t w = fd_write(1, st.out.s, st.out.len) ;
      if (w < 0 && !error_isagain(errno)) strerr_diefu1sys(111, "write results") ;
      if (w > 0)
      {
        memmove(st.out.s, st.out.s + w, st.out.len - w) ;
        st.out.len -= w ;
      }
    }
  }
  return 0 ;
}
