/* ISC license. */
/* berth-qmtpd: the QMTP server (qmail-qmtpd), for mail between cooperating MTAs, one session on
   fd 0/1 under tcpserver (port 209). Messages follow one another on the connection, each a
   netstring (a type byte, LF or CRLF lines, then the message), the sender's netstring and a
   netstring of recipients' netstrings; each recipient gets one answer (K, Z or D). Relay control
   is qmail-qmtpd's: rcpthosts and morercpthosts.cdb unless RELAYCLIENT is set. Trust: the peer
   is untrusted; tcpserver's environment and the control files are trusted. Never runs as root.
   doc/berth-qmtpd.md describes it. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/cdb.h>
#include <skalibs/strerr.h>
#include <berth/control.h>
#include <berth/envelope.h>
#include <berth/nsrv.h>
#include <berth/stdopts.h>
#include "qmtpd.h"

static void config (qmtpd *q)
{
  char const *what ;
  if (!nsrv_init(&q->srv, &what)) goto err ;
  what = "control/rcpthosts" ;
  if (control_readlines(&q->rcpthosts, what) < 0) goto err ;
  what = "control/morercpthosts.cdb" ;
  if (cdb_init(&q->more, what)) q->hasmore = 1 ;
  else if (errno != ENOENT) goto err ;
  what = "the envelope limits" ;
  if (envelope_limits(&q->maxrcpt, &q->maxbytes) < 0) goto err ;
  q->relayclient = getenv("RELAYCLIENT") ;
  return ;
 err:
  strerr_warnwu2sys("read ", what) ;
  /* the client has said nothing yet: one answer, then the end (it retries later) */
  if (nsrv_put(&q->srv, QMTPD_CONFIG, sizeof(QMTPD_CONFIG) - 1)) nsrv_flush(&q->srv) ;
  _exit(0) ;
}

#define SYNOPSIS "tcpserver -HR -x tcp.qmtp.cdb -u UID -g GID 0 209 berth-qmtpd"

int main (int argc, char const *const *argv)
{
  qmtpd q ;
  PROG = QMTPD_PROG ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  if (!getuid() || !geteuid()) strerr_dief1x(111, "refusing to run as root: run me as an unprivileged user (tcpserver -u/-g or s6-setuidgid)") ;
  memset(&q, 0, sizeof q) ;   /* every stralloc's _ZERO is all-zero bytes */
  q.qq.msgfd = q.qq.envfd = q.qq.errfd = q.qq.idfd = -1 ;
  config(&q) ;
  for (;;)
  {
    size_t len ;
    ssize_t r = nsrv_len(&q.srv, &len) ;
    if (!r) _exit(0) ;                        /* the client is done */
    if (r < 0) qmtpd_fail(&q, errno) ;
    q.from.len = q.rcpts.len = q.verdicts.len = 0 ;
    q.naccepted = 0 ; q.size = 0 ; q.refusal = 0 ;
    qmtpd_message(&q, len) ;
    qmtpd_envelope(&q) ;
    qmtpd_answer(&q) ;
  }
}
