/* ISC license. */
/* The end of one QMTP message: the queue program finishes (or is stopped: a refusal, no
   recipient accepted), each recipient gets its answer netstring in order (its own refusal, or
   the message's: "Kok queued as QID", a D or Z text), and one log line: event=tx ip= status=
   from= rcpts= accepted= size= qid= reason=. The session's end for a framing error, a timeout or
   a vanished peer: a log line (reason=), no answer (qmail-qmtpd's: the client retries the
   unanswered recipients). Trust: logged addresses are quoted (berth/logfield.h). */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/logfield.h>
#include <berth/nsrv.h>
#include <berth/qmqp.h>
#include <berth/qq.h>
#include "qmtpd.h"

#define QUEUED_AS "Kok queued as "

static void log_tx (qmtpd *q, char const *status, char const *text, char const *qid)
{
  stralloc sa = STRALLOC_ZERO ;
  char fmt[UINT64_FMT] ;
  nsrv_logstart(&q->srv, &sa, status, q->from.s, q->from.len ? q->from.len - 1 : 0) ;
  nsrv_logcat(&sa, "rcpts", fmt, uint_fmt(fmt, (unsigned int)q->verdicts.len)) ;
  nsrv_logcat(&sa, "accepted", fmt, uint_fmt(fmt, q->naccepted)) ;
  nsrv_logcat(&sa, "size", fmt, uint64_fmt(fmt, q->size)) ;
  if (qid && *qid) nsrv_logcat(&sa, "qid", qid, strlen(qid)) ;
  if (text) logfield_catq(&sa, "reason", text, strlen(text)) ;
  nsrv_log(&sa) ;
  stralloc_free(&sa) ;
}

void qmtpd_refuse (qmtpd *q, char const *text)
{
  if (!q->refusal) q->refusal = text ;
  if (q->qqon) { qqrun_abort(&q->qq) ; q->qqon = 0 ; }
}

void qmtpd_fail (qmtpd *q, int e)
{
  if (q->qqon) { qqrun_abort(&q->qq) ; q->qqon = 0 ; }
  log_tx(q, "dropped", e == ETIMEDOUT ? "timeout" : e == EPROTO ? "protocol error" : e == EPIPE ? "peer gone" : "read error", 0) ;
  _exit(0) ;
}

static char const *rcpttext (char v, char const *msg)
{
  return v == QMTPD_RCPT_BADADDR ? QMTPD_BADADDR : v == QMTPD_RCPT_NORELAY ? QMTPD_NORELAY : msg ;
}

void qmtpd_answer (qmtpd *q)
{
  char text[QQRUN_TEXT_MAX + sizeof(QUEUED_AS)] ;
  char id[QQRUN_TEXT_MAX] ;
  char const *msg ;
  size_t i = 0 ;
  id[0] = 0 ;
  if (!q->refusal && !q->naccepted) qmtpd_refuse(q, 0) ;   /* every recipient has its own D */
  if (q->refusal || !q->qqon) msg = q->refusal ;
  else
  {
    int code = qqrun_finish(&q->qq, q->from.s, q->rcpts.s, q->rcpts.len, text, id, sizeof id) ;
    q->qqon = 0 ;
    if (code == QQ_OK)
    {
      size_t n = strlen(id) ;
      memcpy(text, QUEUED_AS, sizeof(QUEUED_AS) - 1) ;
      memcpy(text + sizeof(QUEUED_AS) - 1, id, n + 1) ;
    }
    msg = text ;
  }
  for (; i < q->verdicts.len ; i++)
  {
    char const *t = rcpttext(q->verdicts.s[i], msg) ;
    if (!nsrv_put(&q->srv, t, strlen(t))) qmtpd_fail(q, ENOMEM) ;
  }
  log_tx(q, msg && msg[0] == QMQP_OK ? "accepted" : "refused", msg && msg[0] != QMQP_OK ? msg + 1 : q->naccepted ? 0 : "no recipient accepted", id) ;
  if (!nsrv_flush(&q->srv)) qmtpd_fail(q, EPIPE) ;
}
