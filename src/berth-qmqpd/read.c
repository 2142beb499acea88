/* ISC license. */
/* Reads one QMQP request: a netstring holding the message's netstring, the sender's and one
   per recipient. The message streams to the queue program as it comes; the addresses are kept
   (each under qmail's QQ_ADDR_MAX, all within berth-queue's envelope limits). A refusal (size,
   address, limits) still reads the request to its end, so that the client gets the answer; a
   framing error or a timeout ends the session at once. Trust: the peer is untrusted. */

#include <errno.h>
#include <string.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/envelope.h>
#include <berth/qq.h>
#include <berth/qqrun.h>
#include "qmqpd.h"

#define ENV_RCPTS "Dtoo many recipients for one message (#5.5.3)"
#define ENV_BYTES "Dmessage envelope too big (#5.3.4)"
#define ENV_LIMITS "Zunable to read the envelope limits (#4.3.0)"

static void refuse (qmqpd *q, char const *text)
{
  if (!q->refusal) q->refusal = text ;
  if (q->qqon) { qmqpd_qq_abort(q) ; q->qqon = 0 ; }
}

static void fail (qmqpd *q, int e)
{
  if (q->qqon) { qmqpd_qq_abort(q) ; q->qqon = 0 ; }
  qmqpd_end(q, e == ETIMEDOUT ? QMQPD_TIMEOUT : e == EPROTO ? QMQPD_PROTO : 0, 0) ;
}

/* An inner netstring's length: it and its comma must fit in what is left of the outer one. */
static size_t innerlen (qmqpd *q)
{
  size_t len ;
  ssize_t r = nsrv_len(&q->srv, &len) ;
  if (r <= 0) fail(q, r ? errno : EPIPE) ;
  if ((size_t)r > q->left || len >= q->left - (size_t)r) fail(q, EPROTO) ;
  q->left -= (size_t)r + len + 1 ;
  return len ;
}

static void get (qmqpd *q, char *s, size_t n)
{
  if (nsrv_get(&q->srv, s, n) < 0) fail(q, errno) ;
}

static void comma (qmqpd *q)
{
  if (nsrv_comma(&q->srv) < 0) fail(q, errno) ;
}

static void start (qmqpd *q)
{
  char const *text ;
  if (qmqpd_qq_start(q, &text)) q->qqon = 1 ;
  else refuse(q, text) ;
}

static void message (qmqpd *q)
{
  char buf[NSRV_CHUNK] ;
  size_t len = innerlen(q) ;
  q->size = len ;
  if (q->srv.databytes && len > q->srv.databytes) refuse(q, QMQPD_TOOBIG) ;
  else start(q) ;
  while (len)
  {
    size_t n = len < sizeof buf ? len : sizeof buf ;
    get(q, q->qqon ? buf : 0, n) ;
    if (q->qqon && allwrite(qmqpd_qq_fd(q), buf, n) < n) refuse(q, NSRV_TEXT_QQWRITE) ;
    len -= n ;
  }
  comma(q) ;
}

/* One address into sa (kept only while nothing is refused); 1 when kept. */
static int address (qmqpd *q, stralloc *sa, size_t maxbytes)
{
  char a[QQ_ADDR_MAX] ;
  size_t len = innerlen(q) ;
  if (len >= QQ_ADDR_MAX)
  {
    refuse(q, QMQPD_BADADDR) ;
    get(q, 0, len) ;
    comma(q) ;
    return 0 ;
  }
  get(q, a, len) ;
  comma(q) ;
  if (memchr(a, 0, len)) refuse(q, QMQPD_BADADDR) ;
  if (q->refusal) return 0 ;
  if (q->from.len + q->rcpts.len + len + 2 > maxbytes) { refuse(q, ENV_BYTES) ; return 0 ; }
  if (!stralloc_catb(sa, a, len) || !stralloc_0(sa)) { refuse(q, NSRV_TEXT_NOMEM) ; return 0 ; }
  return 1 ;
}

void qmqpd_request (qmqpd *q)
{
  char text[QQRUN_TEXT_MAX] ;
  char id[QQRUN_TEXT_MAX] ;
  size_t maxrcpt, maxbytes ;
  ssize_t r ;
  int code ;
  if (envelope_limits(&maxrcpt, &maxbytes) < 0) { strerr_warnwu1sys("read the envelope limits") ; refuse(q, ENV_LIMITS) ; }
  r = nsrv_len(&q->srv, &q->left) ;
  if (r <= 0) fail(q, r ? errno : EPIPE) ;
  message(q) ;
  if (!address(q, &q->from, maxbytes) && !q->refusal) refuse(q, QMQPD_BADADDR) ;
  while (q->left)
    if (address(q, &q->rcpts, maxbytes) && ++q->nrcpt > maxrcpt) refuse(q, ENV_RCPTS) ;
  comma(q) ;
  if (!q->nrcpt) refuse(q, QMQPD_NORCPT) ;
  if (q->refusal) qmqpd_end(q, q->refusal, 0) ;
  code = qmqpd_qq_finish(q, text, id, sizeof id) ;
  q->qqon = 0 ;
  qmqpd_end(q, code == QQ_OK ? "Kok" : text, id) ;
}
