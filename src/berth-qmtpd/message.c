/* ISC license. */
/* One QMTP message netstring: a type byte (LF: lines end in LF; CR: "\r\n" lines, each CRLF
   turned into LF as it streams, a CR alone kept), then the message, streamed to the queue program
   with the Received line on top. Over databytes: read and dropped, the message refused.
   Trust: the peer's bytes are only copied; the length is checked before the queue starts. */

#include <errno.h>
#include <skalibs/allreadwrite.h>
#include <berth/qmqp.h>
#include "qmtpd.h"

/* in[0..n) to out, CRLF made LF; *cr: a CR waits from the previous piece. The new length. */
static size_t crlf (char const *in, size_t n, char *out, int *cr)
{
  size_t i = 0, o = 0 ;
  for (; i < n ; i++)
  {
    if (*cr)
    {
      *cr = 0 ;
      if (in[i] == '\n') { out[o++] = '\n' ; continue ; }
      out[o++] = '\r' ;
    }
    if (in[i] == '\r') *cr = 1 ;
    else out[o++] = in[i] ;
  }
  return o ;
}

static void put (qmtpd *q, char const *s, size_t n)
{
  if (q->qqon && allwrite(q->qq.msgfd, s, n) < n) qmtpd_refuse(q, NSRV_TEXT_QQWRITE) ;
}

void qmtpd_message (qmtpd *q, size_t len)
{
  char buf[NSRV_CHUNK] = { 0 } ;   /* filled by nsrv_get; zeroed for the analyzer, which cannot see it */
  char out[NSRV_CHUNK + 1] ;
  char type ;
  int cr = 0 ;
  char const *text ;
  if (!len) qmtpd_fail(q, EPROTO) ;
  if (nsrv_get(&q->srv, &type, 1) < 0) qmtpd_fail(q, errno) ;
  if (type != QMTP_TYPE_LF && type != QMTP_TYPE_CRLF) qmtpd_fail(q, EPROTO) ;
  len-- ;
  q->size = len ;
  if (q->srv.databytes && len > q->srv.databytes) qmtpd_refuse(q, QMTPD_TOOBIG) ;
  else if (nsrv_qqstart(&q->srv, &q->qq, QMTPD_PROG, "QMTP", &text)) q->qqon = 1 ;
  else qmtpd_refuse(q, text) ;
  while (len)
  {
    size_t n = len < sizeof buf ? len : sizeof buf ;
    if (nsrv_get(&q->srv, q->qqon ? buf : 0, n) < 0) qmtpd_fail(q, errno) ;
    if (q->qqon && type == QMTP_TYPE_CRLF) put(q, out, crlf(buf, n, out, &cr)) ;
    else put(q, buf, n) ;
    len -= n ;
  }
  if (cr) put(q, "\r", 1) ;
  if (nsrv_comma(&q->srv) < 0) qmtpd_fail(q, errno) ;
}
