/* ISC license. */
/* The one answer of a QMQP session (a netstring: K, Z or D, then text) and its log line:
   event=tx ip= status=accepted|refused|dropped from= rcpts= size= qid= reason=. Trust: the
   addresses are the peer's: the log quotes them (berth/logfield.h); the answer's text is ours
   or the queue program's, already printable. */

#include <string.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/logfield.h>
#include <berth/nsrv.h>
#include <berth/qmqp.h>
#include "qmqpd.h"

#define QUEUED_AS " queued as "

static void log_tx (qmqpd *q, char const *status, char const *text, char const *qid)
{
  stralloc sa = STRALLOC_ZERO ;
  char fmt[UINT64_FMT] ;
  nsrv_logstart(&q->srv, &sa, status, q->from.s, q->from.s ? strlen(q->from.s) : 0) ;
  nsrv_logcat(&sa, "rcpts", fmt, uint_fmt(fmt, q->nrcpt)) ;
  nsrv_logcat(&sa, "size", fmt, uint64_fmt(fmt, q->size)) ;
  if (qid && *qid) nsrv_logcat(&sa, "qid", qid, strlen(qid)) ;
  if (text && text[0] != QMQP_OK) logfield_catq(&sa, "reason", text + 1, strlen(text + 1)) ;
  nsrv_log(&sa) ;
  stralloc_free(&sa) ;
}

void qmqpd_end (qmqpd *q, char const *text, char const *qid)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = 1 ;
  if (!text) { log_tx(q, "dropped", 0, 0) ; _exit(0) ; }
  if (!stralloc_cats(&sa, text)) ok = 0 ;
  if (ok && text[0] == QMQP_OK && qid && *qid)
    ok = stralloc_cats(&sa, QUEUED_AS) && stralloc_cats(&sa, qid) ;
  if (ok) ok = nsrv_put(&q->srv, sa.s, sa.len) && nsrv_flush(&q->srv) ;
  log_tx(q, text[0] == QMQP_OK ? "accepted" : ok ? "refused" : "dropped", text, qid) ;
  _exit(0) ;
}
