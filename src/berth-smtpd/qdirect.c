/* ISC license. */
/* In-process queueing: when no $QMAILQUEUE is set and berth-smtpd already runs as the owner of
   queue/ (single-user instances), running berth-queue would cross no privilege boundary, so
   berth-smtpd commits the message itself through the same libberth commit as berth-queue
   (qcommit.h: the Received line "invoked from network", the envelope checked by envscan with
   berth-queue's limits, the seal, the fsync decision, the link into todo/, the trigger). That
   saves one process per message.
   Trust: the envelope is built by berth-smtpd and checked again with envscan, as berth-queue does. */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <berth/qcommit.h>
#include <berth/qq.h>
#include <berth/queue.h>
#include <berth/smtpd.h>

int smtpd_qd_usable (void)
{
  struct stat st ;
  char const *x = getenv("QMAILQUEUE") ;
  if (x && *x) return 0 ;
  return stat(QUEUE_DIR, &st) == 0 && st.st_uid == geteuid() && access(QUEUE_MESS, W_OK) == 0 ;
}

/* S1 -> S2: mess/<id> with berth-queue's Received line (from network: we are the network). */
int smtpd_qd_start (smtpd_qq *q)
{
  qcommit const zero = QCOMMIT_ZERO ;
  q->qc = zero ;
  if (qcommit_start(&q->qc, 0, getuid(), "invoked from network")) return 0 ;
  q->msgfd = q->qc.fd ;
  q->direct = 1 ;
  q->failed = 0 ;
  return 1 ;
}

void smtpd_qd_abort (smtpd_qq *q)
{
  if (!q->direct) return ;
  qcommit_abort(&q->qc) ;
  q->msgfd = -1 ;
  q->direct = 0 ;
}

/* S2 -> S3 -> S4. Returns a qmail-queue exit code; on anything but QQ_OK nothing is committed. */
static int commit (smtpd *s, smtpd_qq *q, stralloc *env)
{
  size_t used ;
  int code ;
  if (q->failed) return QQ_WRITE ;
  if (!smtpd_envelope(s, env)) return QQ_NOMEM ;
  code = qcommit_env(&q->qc, env->s, env->len, &used) ;
  if (code) return code ;
  if (used != env->len) return QQ_ENVELOPE ;
  return qcommit_finish(&q->qc, &s->qnames) ;
}

int smtpd_qd_finish (smtpd *s, smtpd_qq *q)
{
  stralloc env = STRALLOC_ZERO ;
  int code = commit(s, q, &env) ;
  stralloc_free(&env) ;
  q->msgfd = -1 ;
  if (code) { smtpd_qd_abort(q) ; return code ; }
  q->direct = 0 ;
  return QQ_OK ;
}
