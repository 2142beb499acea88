/* ISC license. */
/* berth-milter: a qmail-queue filter that puts each message through Sendmail milters (rspamd,
   OpenDKIM, OpenDMARC...). It reads the message on fd 0 and the envelope on fd 1 as
   qmail-queue does, talks to each milter of control/milters (mail from the network: the caller
   has TCPREMOTEIP) or control/milters-local (berth-inject's), or of the file $BERTH_MILTERS
   names, in the file's order, applies each one's changes before the next sees the message, then
   runs $BERTH_MILTER_NEXT (else berth-queue, or commits in process as its owner: direct.c) the
   same way and passes on its exit code, its
   fd 6 text and its queue id. A milter's reject or tempfail: exit 82 with "D550 5.7.1 text" or
   "Z451 4.7.1 text" on fd 6 (the milter's own code and text; berth-smtpd replies with them), or
   31/71 when fd 6 is not the error pipe. Discard: exit 0, nothing queued. Quarantine: queued
   held, the reason in $BERTH_HOLD for berth-queue. A milter down, slow or answering garbage:
   the line's default action (tempfail unless told otherwise), its changes dropped whole.
   Trust: see bm.h; the caller's environment is trusted, milters' replies are not. */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/genalloc.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/logfield.h>
#include <berth/qq.h>
#include <berth/qqrun.h>
#include <berth/queue.h>
#include <berth/sibling.h>
#include <berth/stdopts.h>
#include "bm.h"

#define QUEUE_PROG "berth-queue"
#define DEFAULT_REJECT "550 5.7.1 Command rejected"
#define DEFAULT_TEMPFAIL "451 4.7.1 Service unavailable - try again later"
#define MILTER_DOWN "451 4.7.1 Service unavailable - try again later"

static char const *const verdicts[] = { "accept", "reject", "tempfail", "discard", "failed" } ;

/* event=milter: milter= verdict= [reply=]; event=next: exit= [qid=] */
static void logline (char const *txid, char const *event, char const *milter, char const *what, char const *text, size_t tlen)
{
  stralloc sa = STRALLOC_ZERO ;
  int isnext = !milter ;
  if (logfield_cat(&sa, "event", event, strlen(event)) && logfield_cat(&sa, "tx", txid, strlen(txid))
   && (isnext || logfield_catq(&sa, "milter", milter, strlen(milter)))
   && logfield_cat(&sa, isnext ? "exit" : "verdict", what, strlen(what))
   && (!tlen || (isnext ? logfield_cat(&sa, "qid", text, tlen) : logfield_catq(&sa, "reply", text, tlen)))
   && stralloc_catb(&sa, "\n", 1))
  {
    buffer_puts(buffer_2, PROG) ;
    buffer_puts(buffer_2, ":") ;
    buffer_putflush(buffer_2, sa.s, sa.len) ;
  }
  stralloc_free(&sa) ;
}

/* The verdict to the caller: "D" or "Z", then the reply's first line, printable ASCII, on fd 6
   with exit 82; or qmail's plain 31 or 71. */
static void refuse (int perm, stralloc const *reply) gccattr_noreturn ;
static void refuse (int perm, stralloc const *reply)
{
  char const *s = reply->len ? reply->s : perm ? DEFAULT_REJECT : DEFAULT_TEMPFAIL ;
  size_t n = reply->len ? reply->len : strlen(s), i = 0 ;
  char t[QQRUN_TEXT_MAX] ;
  if (n > QQRUN_TEXT_MAX - 2) n = QQRUN_TEXT_MAX - 2 ;
  t[0] = perm ? 'D' : 'Z' ;
  for (; i < n && s[i] != '\r' && s[i] != '\n' && s[i] ; i++)
    t[i + 1] = (unsigned char)s[i] < 32 || (unsigned char)s[i] > 126 ? '?' : s[i] ;
  if (i > 3 && t[4] == '-') t[4] = ' ' ;   /* a multi-line reply: its first line */
  if (qq_errpipe(QQRUN_ERRFD) && allwrite(QQRUN_ERRFD, t, i + 1) == i + 1) _exit(QQ_CUSTOM) ;
  _exit(perm ? QQ_PERM_REFUSED : QQ_TEMP_REFUSED) ;
}

/* the next program, with the (possibly changed) message and envelope; its answer is ours */
static void next (bm_msg const *m, int idfd, char const *txid) gccattr_noreturn ;
static void next (bm_msg const *m, int idfd, char const *txid)
{
  stralloc sa = STRALLOC_ZERO ;
  qqrun q = QQRUN_ZERO ;
  char text[QQRUN_TEXT_MAX] ;
  char id[QUEUE_ID_MAX] ;
  char const *prog = getenv("BERTH_MILTER_NEXT") ;
  int code ;
  if (!prog || !*prog) prog = berth_sibling(&sa, QUEUE_PROG) ? sa.s : QUEUE_PROG ;
  if (m->hold.len)
  {
    stralloc h = STRALLOC_ZERO ;
    size_t i = 0 ;
    if (!stralloc_copyb(&h, m->hold.s, m->hold.len) || !stralloc_0(&h)) _exit(QQ_NOMEM) ;
    for (; i + 1 < h.len ; i++) if ((unsigned char)h.s[i] < 32 || (unsigned char)h.s[i] > 126) h.s[i] = '?' ;
    if (setenv("BERTH_HOLD", h.s, 1) < 0) _exit(QQ_NOMEM) ;
    stralloc_free(&h) ;
  }
  else unsetenv("BERTH_HOLD") ;
  if (bm_direct_usable(m)) code = bm_direct(m, id, sizeof id, text, sizeof text) ;   /* no exec */
  else
  {
    if (!qqrun_start(&q, prog)) _exit(QQ_EXEC_FAILED) ;
    if (!bm_msg_write(m, q.msgfd)) { qqrun_abort(&q) ; _exit(QQ_WRITE) ; }
    stralloc env = STRALLOC_ZERO ;
    if (!bm_envelope(m, &env)) { qqrun_abort(&q) ; _exit(QQ_NOMEM) ; }
    code = qqrun_finish_env(&q, env.s, env.len, text, id, sizeof id) ;
    stralloc_free(&env) ;
  }
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, code)] = 0 ;
    /* joins the transaction id to the queue id; local mail's stderr is a user's terminal */
    if (getenv("TCPREMOTEIP") || code) logline(txid, "next", 0, fmt, id, strlen(id)) ;
  }
  if (id[0] && idfd > 2)
  {
    size_t n = strlen(id) ;
    id[n++] = '\n' ;
    if (allwrite(idfd, id, n) < n) {}
  }
  if (code == QQ_CUSTOM)
  {
    size_t n = strlen(text) ;
    if (qq_errpipe(QQRUN_ERRFD) && allwrite(QQRUN_ERRFD, text, n) == n) _exit(QQ_CUSTOM) ;
    _exit(text[0] == 'D' ? QQ_PERM_REFUSED : QQ_TEMP_REFUSED) ;
  }
  _exit(code) ;
}

static int slurpfd (stralloc *sa, int fd)
{
  return slurp(sa, fd) ? 0 : errno == ENOMEM ? QQ_NOMEM : QQ_READ ;
}

int main (int argc, char const *const *argv)
{
  stralloc lines = STRALLOC_ZERO, raw = STRALLOC_ZERO, me = STRALLOC_ZERO ;
  stralloc reply = STRALLOC_ZERO, mods = STRALLOC_ZERO ;
  bm_msg m = BM_MSG_ZERO ;
  bm_tx t ;
  char txid[UINT64_FMT + 1 + PID_FMT + 1] ;
  char const *list = getenv("BERTH_MILTERS") ;
  unsigned int idfd = 0 ;
  size_t i = 0 ;
  int r ;
  PROG = "berth-milter" ;
  berth_stdopts(argc, argv, "QMAILQUEUE=/var/berth/bin/berth-milter berth-smtpd") ;
  tain_now_set_stopwatch_g() ;
  sig_ignore(SIGPIPE) ;
  {
    char const *x = getenv("BERTH_IDFD") ;
    if (!x || !uint0_scan(x, &idfd)) idfd = 0 ;
  }
  if (chdir(berth_home()) < 0) _exit(QQ_HOME) ;
  if (!list || !*list) list = getenv("TCPREMOTEIP") ? BM_LIST_NETWORK : BM_LIST_LOCAL ;
  r = control_readlines(&lines, list) ;
  if (r < 0) { strerr_warnwu2sys("read ", list) ; _exit(QQ_CONFIG) ; }
  if (control_readline(&me, "control/me", "localhost") < 0 || !stralloc_0(&me)) _exit(QQ_CONFIG) ;

  r = slurpfd(&raw, 0) ;
  if (r || !bm_msg_parse(&m, raw.s, raw.len)) _exit(r ? r : QQ_NOMEM) ;
  raw.len = 0 ;
  r = slurpfd(&raw, 1) ;
  if (!r) r = bm_env_parse(&m, raw.s, raw.len) ;
  if (r) _exit(r) ;
  stralloc_free(&raw) ;

  {
    struct timespec ts ;
    size_t n ;
    berth_clock_read(&ts) ;
    n = uint64_fmt(txid, (uint64_t)ts.tv_sec) ;
    txid[n++] = '.' ;
    n += pid_fmt(txid + n, getpid()) ;
    txid[n] = 0 ;
  }
  t.m = &m ; t.me = me.s ; t.txid = txid ;

  for (; i < lines.len ; i += strlen(lines.s + i) + 1)
  {
    bm_conf c ;
    char const *why ;
    int leadspc = 0 ;
    if (!bm_conf_scan(lines.s + i, &c, &why))
    {
      strerr_warnw6x("line \"", lines.s + i, "\" of ", list, ": ", why) ;
      _exit(QQ_CONFIG) ;
    }
    r = bm_session(&c, &t, &reply, &mods, &leadspc) ;
    if (r == BM_CONTINUE && mods.len)
    {
      int a = bm_apply(&m, &mods, leadspc) ;
      if (!a) _exit(QQ_NOMEM) ;
      if (a < 0) r = BM_FAILED ;
    }
    if (getenv("TCPREMOTEIP") || r != BM_CONTINUE) logline(txid, "milter", c.line, verdicts[r], reply.s, reply.len) ;
    if (r == BM_FAILED)
    {
      if (c.dflt == BM_DEFAULT_ACCEPT) continue ;
      reply.len = 0 ;
      if (c.dflt == BM_DEFAULT_TEMPFAIL && !stralloc_cats(&reply, MILTER_DOWN)) _exit(QQ_NOMEM) ;
      refuse(c.dflt == BM_DEFAULT_REJECT, &reply) ;
    }
    if (r == BM_REJECT || r == BM_TEMPFAIL) refuse(r == BM_REJECT, &reply) ;
    if (r == BM_DISCARD || !m.rcpts.len) _exit(QQ_OK) ;   /* accepted and dropped, as Postfix */
  }
  next(&m, idfd > 2 ? (int)idfd : -1, txid) ;
}
