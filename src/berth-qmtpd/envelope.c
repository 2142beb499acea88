/* ISC license. */
/* A QMTP message's envelope: the sender's netstring, then one netstring holding a netstring per
   recipient. Each recipient gets a verdict: an address of QQ_ADDR_MAX bytes or more or holding a
   NUL is refused, and so is a domain outside rcpthosts/morercpthosts.cdb unless RELAYCLIENT is
   set (its value is then appended, as berth-smtpd does); the others go to the queue, within
   berth-queue's envelope limits. Trust: the addresses are the peer's; their lengths are checked
   against the recipients' netstring before anything is kept. */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>
#include <berth/rcpthosts.h>
#include "qmtpd.h"

/* Reads one address netstring of len bytes: 1 when it fits in a (QQ_ADDR_MAX), 0 when dropped */
static int address (qmtpd *q, size_t len, char *a)
{
  int r = len < QQ_ADDR_MAX ;
  if (nsrv_get(&q->srv, r ? a : 0, len) < 0 || nsrv_comma(&q->srv) < 0) qmtpd_fail(q, errno) ;
  if (r) a[len] = 0 ;
  return r && !memchr(a, 0, len) ;
}

static char verdict (qmtpd const *q, char const *a, size_t len)
{
  char const *at = memrchr(a, '@', len) ;
  if (q->relayclient || !at) return QMTPD_RCPT_OK ;   /* no domain: qmail's rcpthosts allows it */
  at++ ;
  return rcpthosts_match(&q->rcpthosts, q->hasmore ? &q->more : 0, at, len - (at - a)) ? QMTPD_RCPT_OK : QMTPD_RCPT_NORELAY ;
}

static void keep (qmtpd *q, char const *a, size_t len)
{
  size_t extra = q->relayclient ? strlen(q->relayclient) : 0 ;
  if (q->refusal) return ;
  if (q->naccepted >= q->maxrcpt) { qmtpd_refuse(q, QMTPD_ENV_RCPTS) ; return ; }
  if (q->from.len + q->rcpts.len + len + extra + 2 > q->maxbytes) { qmtpd_refuse(q, QMTPD_ENV_BYTES) ; return ; }
  if (!stralloc_catb(&q->rcpts, a, len) || (extra && !stralloc_cats(&q->rcpts, q->relayclient))
   || !stralloc_0(&q->rcpts)) { qmtpd_refuse(q, NSRV_TEXT_NOMEM) ; return ; }
  q->naccepted++ ;
}

void qmtpd_envelope (qmtpd *q)
{
  char a[QQ_ADDR_MAX] ;
  size_t len, all ;
  ssize_t r = nsrv_len(&q->srv, &len) ;
  if (r <= 0) qmtpd_fail(q, r ? errno : EPIPE) ;
  if (!address(q, len, a)) qmtpd_refuse(q, QMTPD_BADSENDER) ;
  else if (!stralloc_catb(&q->from, a, len + 1)) qmtpd_refuse(q, NSRV_TEXT_NOMEM) ;
  r = nsrv_len(&q->srv, &all) ;
  if (r <= 0) qmtpd_fail(q, r ? errno : EPIPE) ;
  while (all)
  {
    char v ;
    r = nsrv_len(&q->srv, &len) ;
    if (r <= 0) qmtpd_fail(q, r ? errno : EPIPE) ;
    if ((size_t)r > all || len >= all - (size_t)r) qmtpd_fail(q, EPROTO) ;
    all -= (size_t)r + len + 1 ;
    v = address(q, len, a) ? verdict(q, a, len) : QMTPD_RCPT_BADADDR ;
    if (!stralloc_catb(&q->verdicts, &v, 1)) qmtpd_fail(q, ENOMEM) ;
    if (v == QMTPD_RCPT_OK) keep(q, a, len) ;
  }
  if (nsrv_comma(&q->srv) < 0) qmtpd_fail(q, errno) ;
}
