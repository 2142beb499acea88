/* ISC license. */
/* The envelope of a commit (qcommit.h, doc/queue.md step 2): checked by envscan as it comes,
   kept in the header while it fits with the seal, else the whole of it streamed to intd/<id>
   (fsynced by qcommit_finish) and the header left with an empty record list.
   Trust: the bytes are untrusted (any local caller of berth-queue); envscan bounds them. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <skalibs/allreadwrite.h>
#include <berth/qcommit.h>
#include <berth/qq.h>

static int fail (qcommit *q, int code)
{
  qcommit_abort(q) ;
  return code ;
}

/* The records read so far leave the header for intd/<id>. */
static int to_intd (qcommit *q)
{
  char fn[QUEUE_PATH_MAX] ;
  size_t n = q->headlen - QUEUE_HEAD_MAGICLEN ;
  queue_path(fn, QUEUE_INTD, q->id) ;
  q->intdfd = open(fn, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640) ;
  if (q->intdfd < 0) return qcommit_errcode(QQ_INTD) ;
  q->made |= QCOMMIT_INTD ;
  if (allwrite(q->intdfd, q->head + QUEUE_HEAD_MAGICLEN, n) < n) return QQ_WRITE ;
  q->headlen = QUEUE_HEAD_MAGICLEN ;
  q->head[q->headlen++] = 0 ;
  return 0 ;
}

int qcommit_env (qcommit *q, char const *s, size_t len, size_t *used)
{
  int done = 0, code = qcommit_limits(q) ;
  ssize_t u ;
  *used = 0 ;
  if (code) return fail(q, code) ;
  if (q->envdone) return 0 ;
  u = envscan_feed(&q->e, s, len, &done, &code) ;
  if (u < 0) return fail(q, code) ;
  if (q->intdfd < 0 && q->headlen + u <= QUEUE_HEAD - QUEUE_SEAL_LEN)
  {
    memcpy(q->head + q->headlen, s, u) ;
    q->headlen += u ;
  }
  else
  {
    if (q->intdfd < 0 && (code = to_intd(q))) return fail(q, code) ;
    if (allwrite(q->intdfd, s, u) < (size_t)u) return fail(q, QQ_WRITE) ;
  }
  q->envdone = done ;
  *used = u ;
  return 0 ;
}
