/* ISC license. */
/* berth-lspawn: qmail-lspawn(8). Reads jobs on fd 0, runs one berth-local per job as the
   recipient (single-user mode: in a child kept for more jobs, kept.c), writes one result per
   recipient on fd 1. Many jobs run at once: an iopause loop
   over the job pipe, the children's output pipes and SIGCHLD through a selfpipe.
   Trust: jobs come from berth-send (the queue owner); addresses inside them are untrusted. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/qq.h>
#include <berth/kept.h>
#include <berth/queue.h>
#include "lspawn.h"
#include "state.h"

#define EXTRA_TEXT "berth-lspawn: a local job carries one recipient. (#4.3.0)"
#define NOREPORT_TEMP "Temporary failure without a report: berth-local exited "
#define NOREPORT_TEMP_END ". (#4.3.0)"
#define NOREPORT_PERM "Permanent failure without a report: berth-local exited "
#define NOREPORT_PERM_END ". (#5.3.0)"

static void put_result (unsigned char slot, char code, char const *s, size_t len, unsigned int extra)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = stralloc_catb(&sa, (char *)&slot, 1) && result_cat(&sa, code, s, len) ;
  while (ok && extra--) ok = result_cat(&sa, RESULT_TEMP, EXTRA_TEXT, sizeof(EXTRA_TEXT) - 1) ;
  if (!ok) strerr_diefu1sys(111, "allocate") ;
  if (allwrite(1, sa.s, sa.len) < sa.len) strerr_diefu1sys(111, "write results") ;
  stralloc_free(&sa) ;
}

static void put_results (unsigned char slot, char code, char const *s, unsigned int extra)
{
  put_result(slot, code, s, strlen(s), extra) ;
}

void drain (job *j)
{
  char buf[READ_CHUNK] ;
  for (;;)
  {
    ssize_t r = fd_read(j->fd, buf, sizeof buf) ;
    if (r <= 0)
    {
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return ;
      fd_close(j->fd) ; j->fd = -1 ;
      return ;
    }
    if (j->out.len < OUT_MAX)
    {
      size_t n = (size_t)r < OUT_MAX - j->out.len ? (size_t)r : OUT_MAX - j->out.len ;
      if (!stralloc_catb(&j->out, buf, n)) strerr_diefu1sys(111, "allocate") ;
    }
  }
}

/* the job's result from its report and how its child ended (wstat; 0 for a kept child) */
static void complete (state *st, unsigned char slot, int wstat)
{
  job *j = st->jobs + slot ;
  char code = RESULT_PERM ;
  char fmt[UINT_FMT] ;
  char const *s ;
  size_t len ;
  if (j->fd >= 0) { drain(j) ; if (j->fd >= 0) { fd_close(j->fd) ; j->fd = -1 ; } }
  s = j->out.s ; len = j->out.len ;
  while (len && j->out.s[len-1] == '\n') len-- ;
  if (j->timedout)
  {
    size_t n = uint_fmt(fmt, st->timeout) ;
    if (!stralloc_copys(&j->out, "Delivery timed out after ") || !stralloc_catb(&j->out, fmt, n)
     || !stralloc_cats(&j->out, " seconds. (#4.3.0)")) strerr_diefu1sys(111, "allocate") ;
    code = RESULT_TEMP ; s = j->out.s ; len = j->out.len ;
  }
  else if (WIFSIGNALED(wstat))
  {
    code = RESULT_TEMP ; s = "berth-local crashed. (#4.3.0)" ; len = strlen(s) ;
  }
  else switch (WEXITSTATUS(wstat))
  {
    case 0 : code = RESULT_OK ; break ;
    case 111 : case 71 : case 74 : case 75 : code = RESULT_TEMP ; break ;
    default : code = RESULT_PERM ; break ;
  }
  if (!len && code != RESULT_OK)
  {  /* the text says what the code does: a D is never "try again" */
    if (!stralloc_copys(&j->out, code == RESULT_TEMP ? NOREPORT_TEMP : NOREPORT_PERM)
     || !stralloc_catb(&j->out, fmt, uint_fmt(fmt, WEXITSTATUS(wstat)))
     || !stralloc_cats(&j->out, code == RESULT_TEMP ? NOREPORT_TEMP_END : NOREPORT_PERM_END)) strerr_diefu1sys(111, "allocate") ;
    s = j->out.s ; len = j->out.len ;
  }
  put_result(slot, code, s, len, j->extra) ;
  j->out.len = 0 ; j->extra = 0 ; j->timedout = 0 ;
  st->running-- ;
}

static void finish (state *st, unsigned char slot, int wstat)
{
  job *j = st->jobs + slot ;
  complete(st, slot, wstat) ;
  if (j->ctl >= 0) { fd_close(j->ctl) ; j->ctl = -1 ; }
  j->pid = 0 ;
}

/* a kept child's job: berth-local returned and closed its report (KEPT_IDLE), all of it in the pipe */
void finish_kept (state *st, unsigned char slot)
{
  job *j = st->jobs + slot ;
  complete(st, slot, 0) ;
  keptset_park(&st->kept, j->pid, j->ctl, "", st->eof) ;
  j->ctl = -1 ;
  j->pid = 0 ; j->idle = 0 ;
}

/* the job for a kept child, or a new child with its control socket; the pid, or -1 */
static pid_t spawn (state *st, target const *t, char const *const *args, int mfd, int outfd, int *ctl)
{
  int sv[2] ;
  pid_t pid ;
  *ctl = -1 ;
  if (st->c.root) return local_spawn(st->prog, 1, t, args, mfd, outfd, -1) ;
  pid = keptset_give(&st->kept, "", mfd, outfd, args, LOCAL_ARGS, ctl) ;
  if (pid) return pid ;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return -1 ;
  pid = local_spawn(st->prog, 0, t, args, mfd, outfd, sv[1]) ;
  fd_close(sv[1]) ;
  if (pid < 0) { fd_close(sv[0]) ; return -1 ; }
  ndelay_on(sv[0]) ;
  *ctl = sv[0] ;
  return pid ;
}

static void start (state *st, unsigned char slot, char const *id, char const *sender, char const *rcpt, unsigned int extra)
{
  job *j = st->jobs + slot ;
  stralloc sa = STRALLOC_ZERO ;
  target t ;
  char const *text ;
  char const *at = strrchr(rcpt, '@') ;
  size_t llen = at ? (size_t)(at - rcpt) : strlen(rcpt) ;
  char const *domain = at ? at + 1 : st->me.s ;
  char local[QQ_ADDR_MAX], lower[QQ_ADDR_MAX] ;
  char code ;
  int p[2], mfd ;
  if (strlen(rcpt) >= QQ_ADDR_MAX || strlen(id) >= QUEUE_ID_MAX)
  {
    put_results(slot, RESULT_PERM, "Address or queue id too long. (#5.1.3)", extra) ;
    return ;
  }
  memcpy(local, rcpt, llen) ; local[llen] = 0 ;
  for (size_t i = 0 ; i <= llen ; i++) lower[i] = local[i] >= 'A' && local[i] <= 'Z' ? local[i] + 'a' - 'A' : local[i] ;
  if (j->pid)
  {
    strerr_warnw2x("slot busy, job refused: ", id) ;
    put_results(slot, RESULT_TEMP, "berth-lspawn: delivery slot busy. (#4.3.0)", extra) ;
    return ;
  }
  code = lookup(&st->c, &st->pw, lower, &t, &sa, &text) ;
  if (code) { put_result(slot, code, text, strlen(text), extra) ; goto end ; }
  if (!queue_id_ok(id)) { put_results(slot, RESULT_TEMP, "Invalid queue id. (#4.3.0)", extra) ; goto end ; }
  mfd = mess_open(id, st->qowner, &text) ;
  if (mfd < 0) { put_results(slot, RESULT_TEMP, text, extra) ; goto end ; }
  if (pipe2(p, O_CLOEXEC) < 0) { fd_close(mfd) ; put_results(slot, RESULT_TEMP, "Unable to create a pipe. (#4.3.0)", extra) ; goto end ; }
  {
    char const *args[LOCAL_ARGS] = { sa.s + t.user, sa.s + t.home, local, sa.s + t.dash, sa.s + t.ext, domain, sender, st->dflt.s } ;
    j->pid = spawn(st, &t, args, mfd, p[1], &j->ctl) ;
  }
  fd_close(mfd) ; fd_close(p[1]) ;
  if (j->pid < 0)
  {
    j->pid = 0 ; fd_close(p[0]) ;
    put_results(slot, RESULT_TEMP, "Unable to fork. (#4.3.0)", extra) ;
    goto end ;
  }
  ndelay_on(p[0]) ;
  j->fd = p[0] ; j->extra = extra ; j->out.len = 0 ; j->timedout = 0 ; j->idle = 0 ;
  tain_addsec_g(&j->deadline, st->timeout) ;
  st->running++ ;
 end:
  stralloc_free(&sa) ;
}

/* Parses every complete job at the start of st->in, starts it, removes it. */
void parse_jobs (state *st)
{
  size_t pos = 0 ;
  for (;;)
  {
    char const *f[3] ;
    unsigned int nrcpt ;
    size_t n = pos < st->in.len ? job_scan(st->in.s + pos, st->in.len - pos, f, &nrcpt) : 0 ;
    if (!n) break ;
    if (nrcpt) start(st, (unsigned char)st->in.s[pos], f[0], f[1], f[2], nrcpt - 1) ;
    pos += n ;
  }
  if (pos)
  {
    memmove(st->in.s, st->in.s + pos, st->in.len - pos) ;
    st->in.len -= pos ;
  }
}

void reap (state *st)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = wait_nohang(&wstat) ;
    if (pid <= 0) break ;
    if (keptset_reaped(&st->kept, pid)) continue ;
    for (unsigned int i = 0 ; i < SLOTS ; i++)
      if (st->jobs[i].pid == pid) { finish(st, i, wstat) ; break ; }
  }
}

/* Kills (the whole process group: berth-local and its programs) every delivery past its deadline;
   its result is a deferral, written when its exit is reaped. Sets *next to the earliest deadline
   still running; 0 when there is none. */
int expire (state *st, tain *next)
{
  int have = 0 ;
  if (!st->timeout) return 0 ;
  for (unsigned int i = 0 ; i < SLOTS ; i++)
  {
    job *j = st->jobs + i ;
    if (!j->pid || j->timedout) continue ;
    if (!tain_less(&STAMP, &j->deadline))
    {
      strerr_warnw1x("a local delivery ran past control/timeoutlocal: killed") ;
      kill(-j->pid, SIGKILL) ;
      kill(j->pid, SIGKILL) ;
      j->timedout = 1 ;
      continue ;
    }
    if (!have || tain_less(&j->deadline, next)) { *next = j->deadline ; have = 1 ; }
  }
  return have ;
}
