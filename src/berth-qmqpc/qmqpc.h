/* ISC license. */
/* berth-qmqpc's parts. Trust: the caller (berth-inject, sendmail, berth-smtpd) is trusted as a
   qmail-queue caller is; the control file is the administrator's; the servers are trusted to
   answer honestly but not to answer well-formed or in time. */
#ifndef QMQPC_H
#define QMQPC_H

#include <stdint.h>
#include <skalibs/ip46.h>
#include <skalibs/stralloc.h>

#define QMQPC_SERVERS "control/qmqpservers"
#define QMQPC_CONNECT_TIMEOUT 10   /* seconds, qmail-qmqpc's */
#define QMQPC_IO_TIMEOUT 60        /* seconds per read or write, qmail-qmqpc's */

typedef struct qmqpc_server_s qmqpc_server ;
struct qmqpc_server_s
{
  ip46 ip ;
  uint16_t port ;
} ;

/* server.c: one line of qmqpservers ("IP", "IPv4:PORT", "[IP]:PORT"): 1, or 0 when malformed */
extern int qmqpc_server_scan (char const *line, qmqpc_server *srv) ;

/* request.c: the QMQP request around the message: head (outer length, message length) and
   tail (end of the message, the addresses, end of the request), from the envelope on fd 1.
   Returns 0, or the exit code (QQ_READ, QQ_ENVELOPE, QQ_NOMEM). */
extern int qmqpc_request (stralloc const *msg, stralloc *head, stralloc *tail) ;

/* send.c: one server tried. 0: it answered (answer holds the netstring's text); else the exit
   code of a failure: QQ_CONN_TIMEOUT, QQ_CONN_REJECTED, QQ_CONN_FAILED, QQ_NOMEM, QQ_NETWORK.
   *sent tells whether the whole request left: if not, the server cannot have queued it and
   the next may be tried; if so, no answer means it may have (qmail-qmqpc then stops). */
extern int qmqpc_send (qmqpc_server const *srv, stralloc const *head, stralloc const *msg, stralloc const *tail, stralloc *answer, int *sent) ;

#endif
