/* ISC license. */
/* Where berth-qmqpd's message goes: into the queue in process, or through the queue program.
   In process when berth-smtpd would do so too: no $QMAILQUEUE (no filter to run), this process
   owns queue/ and may write mess/ (a single-user hub), and the instance is no null client (no
   control/qmqpservers, whose berth-queue forwards). Then running berth-queue would cross no
   privilege boundary, and libberth's queue commit (berth/qcommit.h: berth-queue's Received line
   "invoked from network", envscan's limits, the seal, the fsync decision, the link into todo/,
   the trigger) saves one process per message. Otherwise $QMAILQUEUE or berth-queue
   (berth/qqrun.h), so filters apply. Trust: the envelope is the peer's, already bounded by
   read.c, and checked again by envscan as berth-queue checks it. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/stralloc.h>
#include <berth/nsrv.h>
#include <berth/qcommit.h>
#include <berth/qq.h>
#include <berth/queue.h>
#include <berth/rcvd.h>
#include "qmqpd.h"

#define QMQPD_HOW "invoked from network"
#define QMQPD_NULLCLIENT "control/qmqpservers"

static int usable (void)
{
  struct stat st ;
  char const *x = getenv("QMAILQUEUE") ;
  if (x && *x) return 0 ;
  if (stat(QMQPD_NULLCLIENT, &st) == 0 || errno != ENOENT) return 0 ;
  return stat(QUEUE_DIR, &st) == 0 && st.st_uid == geteuid() && access(QUEUE_MESS, W_OK) == 0 ;
}

/* S1 -> S2: mess/<id> and the two Received lines, berth-queue's then ours (as through a pipe). */
static int direct_start (qmqpd *q, char const **text)
{
  qcommit const zero = QCOMMIT_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  int code ;
  q->qc = zero ;
  code = qcommit_start(&q->qc, 0, getuid(), QMQPD_HOW) ;
  if (code) { *text = qq_text(code) ; return 0 ; }
  *text = 0 ;
  if (!rcvd_line(&sa, QMQPD_PROG, "QMQP", q->srv.me.s)) *text = NSRV_TEXT_NOMEM ;
  else if (allwrite(q->qc.fd, sa.s, sa.len) < sa.len) *text = NSRV_TEXT_QQWRITE ;
  stralloc_free(&sa) ;
  if (*text) { qcommit_abort(&q->qc) ; return 0 ; }
  q->direct = 1 ;
  return 1 ;
}

int qmqpd_qq_start (qmqpd *q, char const **text)
{
  if (usable()) return direct_start(q, text) ;
  q->direct = 0 ;
  return nsrv_qqstart(&q->srv, &q->qq, QMQPD_PROG, "QMQP", text) ;
}

int qmqpd_qq_fd (qmqpd const *q)
{
  return q->direct ? q->qc.fd : q->qq.msgfd ;
}

void qmqpd_qq_abort (qmqpd *q)
{
  if (q->direct) qcommit_abort(&q->qc) ;
  else qqrun_abort(&q->qq) ;
}

/* The envelope as berth-queue reads it on fd 1: F, T..., final NUL (from and each recipient
   are kept NUL-terminated). */
static int envelope (qmqpd const *q, stralloc *sa)
{
  if (!stralloc_catb(sa, "F", 1) || !stralloc_catb(sa, q->from.s, q->from.len)) return 0 ;
  for (size_t i = 0 ; i < q->rcpts.len ; i += strlen(q->rcpts.s + i) + 1)
    if (!stralloc_catb(sa, "T", 1) || !stralloc_cats(sa, q->rcpts.s + i) || !stralloc_0(sa)) return 0 ;
  return stralloc_0(sa) ;
}

/* S2 -> S3 -> S4 (qcommit_finish). A qmail-queue exit code; on anything but QQ_OK nothing is
   committed. */
static int direct_finish (qmqpd *q, char *text, char *id, size_t idmax)
{
  stralloc env = STRALLOC_ZERO ;
  size_t used ;
  int code = envelope(q, &env) ? qcommit_env(&q->qc, env.s, env.len, &used) : QQ_NOMEM ;
  if (!code && used != env.len) code = QQ_ENVELOPE ;
  if (!code) code = qcommit_finish(&q->qc, &q->names) ;
  stralloc_free(&env) ;
  q->direct = 0 ;
  text[0] = 0 ;
  id[0] = 0 ;
  if (!code)
  {
    size_t n = strnlen(q->qc.id, idmax - 1) ;
    memcpy(id, q->qc.id, n) ; id[n] = 0 ;
    return QQ_OK ;
  }
  {
    char const *t = code == QQ_PERM_REFUSED ? envscan_text(&q->qc.e) : qq_text(code) ;
    size_t n = strnlen(t, QQRUN_TEXT_MAX - 1) ;
    memcpy(text, t, n) ; text[n] = 0 ;
  }
  qcommit_abort(&q->qc) ;
  return code ;
}

int qmqpd_qq_finish (qmqpd *q, char *text, char *id, size_t idmax)
{
  if (q->direct) return direct_finish(q, text, id, idmax) ;
  return qqrun_finish(&q->qq, q->from.s, q->rcpts.s, q->rcpts.len, text, id, idmax) ;
}
