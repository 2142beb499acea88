/* ISC license. */
/* berth-rspawn: the remote spawner. Jobs from berth-send on fd 0, results on fd 1 (spawn protocol,
   doc/berth-rspawn.md); runs berth-remote (or the given program) per job with the message as fd 0.
   The loop, slots, reaping and kept sessions are the spawner skeleton's (berth/spawner.h); this
   file is its hooks. Never root. Trust: jobs come from berth-send; reports from berth-remote are checked. */

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/posixplz.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/logfield.h>
#include <berth/queue.h>
#include <berth/route.h>
#include <berth/rreport.h>
#include <berth/sibling.h>
#include <berth/spawner.h>
#include <berth/stdopts.h>
#include "rspawn.h"

#define USAGE "berth-rspawn [ prog ... ]"
#define REMOTE_NAME "berth-remote"

static void fail_all (spawner *sp, unsigned char slot, unsigned int n, char const *text)
{
  stralloc r = STRALLOC_ZERO ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (!stralloc_catb(&r, "Z", 1) || !stralloc_cats(&r, text) || !stralloc_0(&r)) strerr_diefu1sys(111, "queue a result") ;
  spawner_result(sp, slot, r.s, r.len) ;
  stralloc_free(&r) ;
}

static void start (spawner *sp, spawner_jobin const *jb)
{
  state *st = sp->ctx ;
  char const *s = jb->s ;
  unsigned int n = jb->n ;
  unsigned char slot = (unsigned char)s[0] ;
  char const *id = s + 1 ;
  char const *argv[st->nprog + n + 3] ;
  char const *host, *key ;
  unsigned int a = 0 ;
  rjob *j = st->jobs + slot ;
  int p[2], m, ctl ;
  pid_t pid ;
  if (!n || jb->bad) strerr_dief1x(100, "protocol error: malformed job") ;
  if (spawner_busy(sp, slot)) strerr_dief1x(100, "protocol error: a job for a busy slot") ;
  for (unsigned int i = 0 ; i < st->nprog ; i++) argv[a++] = st->prog[i] ;
  if (!rspawn_params(&st->params, id, n) || !rspawn_params_env(&st->params)) strerr_diefu1sys(111, "store a job") ;
  argv[a++] = 0 ;   /* host, below */
  {
    char const *w = st->params.words.s ;   /* the sender, then each recipient, without params */
    argv[a++] = w ;
    for (unsigned int i = 0 ; i < n ; i++) { w += strlen(w) + 1 ; argv[a++] = w ; }
  }
  argv[a] = 0 ;
  host = n ? strrchr(argv[st->nprog + 2], '@') : 0 ;   /* a job without recipients has no host */
  argv[st->nprog] = host ? host + 1 : "" ;
  /* a job with params is never a kept child's, nor kept: their environment is their first job's */
  key = host && host[1] && st->inproc && !st->params.any ? route_key(host + 1, &st->routes, &st->key) : 0 ;
  if (!*id || strchr(id, '/') || id[0] == '.') { fail_all(sp, slot, n, "Bad queue id. (#4.3.0)") ; return ; }
  {
    char fn[QUEUE_PATH_LEN(QUEUE_MESS, strlen(id))] ;
    queue_path(fn, QUEUE_MESS, id) ;
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
  if (m < 0) { fail_all(sp, slot, n, "Unable to open the message file. (#4.3.0)") ; return ; }
  if (pipe2(p, O_CLOEXEC) < 0) { fd_close(m) ; fail_all(sp, slot, n, "Unable to create a pipe. (#4.3.0)") ; return ; }
  ctl = -1 ;
  /* a child whose session with host, or with the relay it is routed to, is kept, given the
     job's words, host first */
  pid = key ? keptset_give(&sp->kept, key, m, p[1], argv + st->nprog, a - st->nprog, &ctl) : 0 ;
  if (!pid)
  {
    int child = -1 ;
    if (st->inproc && !spawner_ctlpair(&ctl, &child))
    {
      fd_close(m) ; fd_close(p[0]) ; fd_close(p[1]) ;
      fail_all(sp, slot, n, "Unable to create a socket pair. (#4.3.0)") ;
      return ;
    }
    pid = rspawn_run(argv, a, st->inproc, m, p[1], child) ;
    if (child >= 0) fd_close(child) ;
    if (!pid && ctl >= 0) { fd_close(ctl) ; ctl = -1 ; }
  }
  fd_close(m) ;
  fd_close(p[1]) ;
  if (!pid)
  {
    strerr_warnwu2sys("spawn ", argv[0]) ;
    fd_close(p[0]) ;
    fail_all(sp, slot, n, RREPORT_UNABLE) ;
    return ;
  }
  j->n = n ;
  j->job.len = 0 ;
  if (!stralloc_catb(&j->job, s, jb->len)) strerr_diefu1sys(111, "store a job") ;
  j->start = STAMP ;
  /* kept for its host or route; a job without one, or a key too long, is not */
  spawner_run(sp, slot, pid, p[0], ctl, key && strlen(key) <= HOST_MAX ? key : 0) ;
}

/* with control/logdebug, one log line per recipient: id, recipient, delay, status, the text
   (without the facts), under berth's log quoting rule (berth/logfield.h): a recipient's bytes or
   a server's reply cannot forge a field. berth-send's line is the one that counts. */
static void logresult (rjob const *j, char const *r)
{
  static char const facts_sep[2] = { RREPORT_FACTS_SEP, 0 } ;
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
     || !logfield_cat(&line, "id", id, strlen(id)) || !logfield_cat(&line, "rcpt", s, strcspn(s, facts_sep))
     || !logfield_cat(&line, "delay", fmt, n) || !logfield_cat(&line, "status", status, strlen(status))
     || !logfield_catq(&line, "reply", r + 1, strcspn(r + 1, facts_sep)) || !stralloc_catb(&line, "\n", 1))
      strerr_diefu1sys(111, "build a log line") ;
    buffer_putflush(buffer_2, line.s, line.len) ;
    s += strlen(s) + 1 ;                 /* next id */
    r += strlen(r) + 1 ;
  }
  stralloc_free(&line) ;
}

/* the job's records from its report (qmail-rspawn's rules), logged and queued */
static void finish (spawner *sp, unsigned char slot, spawner_end how)
{
  state *st = sp->ctx ;
  spawner_job const *sj = sp->jobs + slot ;
  stralloc r = STRALLOC_ZERO ;
  int ok = how != SPAWNER_END_TIMEOUT && WIFEXITED(sj->wstat) && !WEXITSTATUS(sj->wstat) ;
  if (!rreport_records(&r, sj->report.s, sj->report.len, ok, st->jobs[slot].n)) strerr_diefu1sys(111, "build a result") ;
  if (st->debug) logresult(st->jobs + slot, r.s) ;
  spawner_result(sp, slot, r.s, r.len) ;
  stralloc_free(&r) ;
}

static spawner_hooks const hooks =
{
  .start = &start,
  .finish = &finish,
  .policy = SPAWNER_WAITEOF,   /* a qmail-remote's report is whole at its EOF */
  .reportmax = 0,
  .killtext = 0
} ;

int main (int argc, char const *const *argv)
{
  char const *dflt[2] = { "berth-remote", 0 } ;
  state st = { .routes = STRALLOC_ZERO, .key = STRALLOC_ZERO } ;
  spawner sp ;
  PROG = "berth-rspawn" ;
  berth_stdopts(argc, argv, USAGE) ;
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
  for (unsigned int i = 0 ; i < SPAWNER_SLOTS ; i++) st.jobs[i].job = stralloc_zero ;
  st.params = (rparams){ .words = STRALLOC_ZERO, .mail = STRALLOC_ZERO, .rcpt = STRALLOC_ZERO, .any = 0 } ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (control_readulong(&st.debug, LOGFIELD_DEBUG_FILE, 0) < 0) strerr_diefu2sys(111, "read ", LOGFIELD_DEBUG_FILE) ;
  if (ndelay_on(0) < 0 || ndelay_on(1) < 0) strerr_diefu1sys(111, "set non-blocking mode") ;
  spawner_init(&sp, &hooks, &st) ;
  spawner_loop(&sp) ;
  return 0 ;
}
