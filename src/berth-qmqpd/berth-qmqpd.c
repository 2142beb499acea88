/* ISC license. */
/* berth-qmqpd: the QMQP server (qmail-qmqpd), one request on fd 0/1 under tcpserver, whose
   rules (tcprules) decide which null clients may use it: QMQP carries no relay control, every
   client allowed in is trusted to send anywhere. The message goes through $QMAILQUEUE (or
   berth-queue), so filters apply; without $QMAILQUEUE, on a hub whose queue it owns, into the
   queue in process as berth-smtpd does (queue.c). Trust: the peer is untrusted (its lengths are checked before
   anything is kept); tcpserver's environment and the control files are trusted. Never runs as
   root. doc/berth-qmqpd.md describes it. */

#include <string.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include <berth/nsrv.h>
#include <berth/stdopts.h>
#include "qmqpd.h"

#define SYNOPSIS "tcpserver -HR -x tcp.qmqp.cdb -u UID -g GID 0 628 berth-qmqpd"

int main (int argc, char const *const *argv)
{
  qmqpd q ;
  char const *what ;
  PROG = QMQPD_PROG ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  if (!getuid() || !geteuid()) strerr_dief1x(111, "refusing to run as root: run me as an unprivileged user (tcpserver -u/-g or s6-setuidgid)") ;
  memset(&q, 0, sizeof q) ;   /* every stralloc's _ZERO is all-zero bytes */
  q.qq.msgfd = q.qq.envfd = q.qq.errfd = q.qq.idfd = -1 ;
  q.qc = (qcommit)QCOMMIT_ZERO ;
  if (!nsrv_init(&q.srv, &what))
  {
    strerr_warnwu2sys("read ", what) ;
    qmqpd_end(&q, QMQPD_CONFIG, 0) ;
  }
  qmqpd_request(&q) ;
  return 0 ;
}
