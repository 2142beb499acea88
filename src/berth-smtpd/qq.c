/* ISC license. */
/* Runs $QMAILQUEUE or berth-queue as qmail.c's qmail_open does: message pipe on fd 0,
   envelope pipe on fd 1, error pipe on fd 6, plus the queue id on fd BERTH_IDFD; then turns
   its exit code into the SMTP reply. The queue program is started with posix_spawn.
   Trust: the queue program is trusted; its fd 6 text is sanitised before it reaches the peer. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/qq.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>
#include <berth/spawn.h>

#define HIGHFD 10

/* The child's ends of the pipes, moved to fds >= HIGHFD so that the dup2s below cannot clobber
   one another; -1 on error. */
static int high (int *fd)
{
  int h = fcntl(*fd, F_DUPFD_CLOEXEC, HIGHFD) ;
  if (h < 0) return -1 ;
  close(*fd) ;
  *fd = h ;
  return 0 ;
}

/* posix_spawn (a vfork underneath): about half the cost of fork+exec for every message. */
static pid_t spawn (char const *prog, int in, int env, int err, int id)
{
  char const *argv[2] = { prog, 0 } ;
  berth_spawn_fa const fa[4] =
  {
    { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { 0, in } },
    { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { 1, env } },
    { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { SMTPD_ERRFD, err } },
    { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { SMTPD_IDFD, id } }
  } ;
  pid_t pid = berth_spawn(prog, argv, (char const *const *)environ, BERTH_SPAWN_SIGDEFAULT, fa, 4) ;
  return pid ? pid : -1 ;
}

int smtpd_qq_start (smtpd const *s, smtpd_qq *q)
{
  int m[2], e[2], r[2], id[2] ;
  char fmt[UINT_FMT] ;
  if (s->qdirect) return smtpd_qd_start(q) ;
  q->direct = q->failed = 0 ;
  if (pipe2(m, O_CLOEXEC) < 0) return 0 ;
  if (pipe2(e, O_CLOEXEC) < 0) goto errm ;
  if (pipe2(r, O_CLOEXEC) < 0) goto erre ;
  if (pipe2(id, O_CLOEXEC) < 0) goto errr ;
  fmt[uint_fmt(fmt, SMTPD_IDFD)] = 0 ;
  /* berth-smtpd runs nothing else that reads BERTH_IDFD */
  if (setenv("BERTH_IDFD", fmt, 1) < 0) goto errid ;
  if (high(&m[0]) < 0 || high(&e[0]) < 0 || high(&r[1]) < 0 || high(&id[1]) < 0) goto errid ;
  q->pid = spawn(s->queueprog, m[0], e[0], r[1], id[1]) ;
  if (q->pid < 0) goto errid ;
  close(m[0]) ; close(e[0]) ; close(r[1]) ; close(id[1]) ;
  q->msgfd = m[1] ; q->envfd = e[1] ; q->errfd = r[0] ; q->idfd = id[0] ;
  return 1 ;
 errid:
  close(id[0]) ; close(id[1]) ;
 errr:
  close(r[0]) ; close(r[1]) ;
 erre:
  close(e[0]) ; close(e[1]) ;
 errm:
  close(m[0]) ; close(m[1]) ;
  return 0 ;
}

static int waitqq (smtpd_qq *q)
{
  int wstat ;
  if (wait_pid(q->pid, &wstat) != q->pid) return QQ_BUG ;
  q->pid = 0 ;
  return WIFEXITED(wstat) ? WEXITSTATUS(wstat) : QQ_BUG ;
}

static void closeall (smtpd_qq *q)
{
  if (q->msgfd >= 0) close(q->msgfd) ;
  if (q->envfd >= 0) close(q->envfd) ;
  if (q->errfd >= 0) close(q->errfd) ;
  if (q->idfd >= 0) close(q->idfd) ;
  q->msgfd = q->envfd = q->errfd = q->idfd = -1 ;
}

/* Closing the envelope pipe before its final NUL makes berth-queue give up (qmail-queue: 54). */
void smtpd_qq_abort (smtpd_qq *q)
{
  if (q->direct) { smtpd_qd_abort(q) ; return ; }
  closeall(q) ;
  if (q->pid > 0) waitqq(q) ;
}

/* "text (#x.y.z)": the enhanced code in the text, else dflt. */
static void escfind (char const *t, size_t len, char const *dflt, char *esc)
{
  char const *p = 0 ;
  size_t i = 0 ;
  for (; i + 2 < len ; i++) if (t[i] == '(' && t[i+1] == '#') p = t + i + 2 ;
  if (p)
  {
    size_t n = 0 ;
    while (p + n < t + len && n < 15 && ((p[n] >= '0' && p[n] <= '9') || p[n] == '.')) n++ ;
    if (n >= 5 && p[n] == ')' && p[0] == dflt[0]) { memcpy(esc, p, n) ; esc[n] = 0 ; return ; }
  }
  memcpy(esc, dflt, strlen(dflt) + 1) ;
}

int smtpd_qq_finish (smtpd *s, smtpd_qq *q, stralloc *reply, char *qid, size_t qidmax)
{
  char custom[SMTPD_CUSTOM_MAX + 1] = "" ;   /* empty unless the queue program wrote a custom reply */
  char esc[16] ;
  char const *t ;
  size_t tlen, i ;
  int code ;
  if (q->direct)
  {
    code = smtpd_qd_finish(s, q) ;
    memcpy(qid, q->qc.id, qidmax < QUEUE_ID_MAX ? qidmax : QUEUE_ID_MAX) ;
    qid[qidmax - 1] = 0 ;
    if (code) qid[0] = 0 ;
    tlen = 0 ;
    goto reply ;
  }
  close(q->msgfd) ; q->msgfd = -1 ;
  {
    int ok = 1 ;
    size_t i = 0 ;
    if (allwrite(q->envfd, "F", 1) < 1 || allwrite(q->envfd, s->mailfrom.s, s->mailfrom.len + 1) < s->mailfrom.len + 1) ok = 0 ;
    while (ok && i < s->rcpts.len)
    {
      size_t n = strlen(s->rcpts.s + i) + 1 ;
      if (allwrite(q->envfd, "T", 1) < 1 || allwrite(q->envfd, s->rcpts.s + i, n) < n) ok = 0 ;
      i += n ;
    }
    if (ok) allwrite(q->envfd, "", 1) ;
    close(q->envfd) ; q->envfd = -1 ;
  }
  code = waitqq(q) ;
  qid[0] = 0 ;
  {
    size_t n = allread(q->idfd, qid, qidmax - 1) ;
    while (n && (qid[n-1] == '\n' || qid[n-1] == '\r')) n-- ;
    for (i = 0 ; i < n ; i++) if ((unsigned char)qid[i] < 33 || (unsigned char)qid[i] > 126) qid[i] = '?' ;
    qid[n] = 0 ;
  }
  tlen = allread(q->errfd, custom, SMTPD_CUSTOM_MAX) ;
  closeall(q) ;
 reply:
  reply->len = 0 ;
  if (code == QQ_OK)
  {
    if (!stralloc_cats(reply, RP_QQ_OK) || !stralloc_cats(reply, qid[0] ? qid : "?") || !stralloc_0(reply)) return -1 ;
    return 1 ;
  }
  if (code == QQ_CUSTOM && qq_custom_ok(custom, tlen))
  {
    for (i = 0 ; i < tlen ; i++) if (custom[i] == '\n' || custom[i] == '\r' || !custom[i]) break ;
    tlen = i ;
    for (i = 0 ; i < tlen ; i++) if ((unsigned char)custom[i] < 32 || (unsigned char)custom[i] > 126) custom[i] = '?' ;
    t = custom ;
  }
  else { t = qq_text(code) ; tlen = strlen(t) ; }
  escfind(t + 1, tlen - 1, t[0] == 'D' ? RP_QQ_PERM_ESC : RP_QQ_TEMP_ESC, esc) ;
  if (!stralloc_cats(reply, t[0] == 'D' ? RP_QQ_PERM : RP_QQ_TEMP)
   || !stralloc_catb(reply, " ", 1) || !stralloc_cats(reply, esc)
   || !stralloc_catb(reply, " ", 1) || !stralloc_catb(reply, t + 1, tlen - 1)
   || !stralloc_0(reply)) return -1 ;
  return 0 ;
}
