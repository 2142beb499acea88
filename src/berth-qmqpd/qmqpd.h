/* ISC license. */
/* berth-qmqpd's session: one QMQP request (one message) read from the peer and handed to the
   queue program. Trust: the peer is untrusted; every length it sends is checked against what is
   left of its outer netstring and against the limits before anything is kept. */
#ifndef QMQPD_H
#define QMQPD_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/gccattributes.h>
#include <skalibs/stralloc.h>
#include <berth/nsrv.h>
#include <berth/qcommit.h>
#include <berth/qqrun.h>

#define QMQPD_PROG "berth-qmqpd"

/* refusals: the answer's first byte is QMQP_PERM or QMQP_TEMP */
#define QMQPD_TOOBIG "Dsorry, that message size exceeds my databytes limit (#5.3.4)"
#define QMQPD_BADADDR "Dsorry, I can't accept addresses like that (#5.1.3)"
#define QMQPD_NORCPT "Dsorry, a message needs at least one recipient (#5.5.1)"
#define QMQPD_PROTO "Dprotocol error: not a QMQP request (#5.5.2)"
#define QMQPD_TIMEOUT "Ztimeout reading the request (#4.4.2)"
#define QMQPD_CONFIG "Zunable to read the configuration (#4.3.0)"

typedef struct qmqpd_s qmqpd ;
struct qmqpd_s
{
  nsrv srv ;
  qqrun qq ;               /* the queue program, or */
  qcommit qc ;             /* the commit in process (queue.c) */
  qcommit_names names ;
  int direct ;             /* qc, not qq */
  int qqon ;               /* a message is on its way into the queue */
  size_t left ;            /* bytes left in the outer netstring */
  uint64_t size ;          /* the message's bytes */
  stralloc from ;          /* NUL-terminated */
  stralloc rcpts ;         /* NUL-terminated, one after another */
  unsigned int nrcpt ;
  char const *refusal ;    /* the first refusal, answered once the request is read */
} ;

/* read.c: the request's parts; on a framing error or timeout, the session ends (answer, log) */
extern void qmqpd_request (qmqpd *q) ;

/* queue.c: the message's way into the queue, in process or through the queue program. start:
   1, or 0 with *text the answer (nothing left behind); fd: where the message's bytes go; abort:
   nothing queued; finish: qqrun_finish's results (text and id of QQRUN_TEXT_MAX bytes). */
extern int qmqpd_qq_start (qmqpd *q, char const **text) ;
extern int qmqpd_qq_fd (qmqpd const *q) ;
extern void qmqpd_qq_abort (qmqpd *q) ;
extern int qmqpd_qq_finish (qmqpd *q, char *text, char *id, size_t idmax) ;

/* answer.c: the answer netstring and the log line, then exit 0 */
extern void qmqpd_end (qmqpd *q, char const *text, char const *qid) gccattr_noreturn ;

#endif
