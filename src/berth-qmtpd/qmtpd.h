/* ISC license. */
/* berth-qmtpd's session: messages one after another, each with its own answers, one per
   recipient. Trust: the peer is untrusted: every length is checked before anything is kept,
   recipients pass qmail's relay control (rcpthosts, morercpthosts.cdb, RELAYCLIENT). */
#ifndef QMTPD_H
#define QMTPD_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/cdb.h>
#include <skalibs/gccattributes.h>
#include <skalibs/stralloc.h>
#include <berth/nsrv.h>
#include <berth/qqrun.h>

#define QMTPD_PROG "berth-qmtpd"

#define QMTPD_TOOBIG "Dsorry, that message size exceeds my databytes limit (#5.3.4)"
#define QMTPD_BADSENDER "Dunacceptable sender (#5.1.7)"
#define QMTPD_BADADDR "Dsorry, I can't accept addresses like that (#5.1.3)"
#define QMTPD_NORELAY "Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"
#define QMTPD_ENV_RCPTS "Dtoo many recipients for one message (#5.5.3)"
#define QMTPD_ENV_BYTES "Dmessage envelope too big (#5.3.4)"
#define QMTPD_CONFIG "Zunable to read the configuration (#4.3.0)"

/* a recipient's verdict, one byte each in qmtpd.verdicts */
#define QMTPD_RCPT_OK 'k'        /* given to the queue: the message's answer is its answer */
#define QMTPD_RCPT_BADADDR 'a'
#define QMTPD_RCPT_NORELAY 'r'

typedef struct qmtpd_s qmtpd ;
struct qmtpd_s
{
  nsrv srv ;
  qqrun qq ;
  int qqon ;
  stralloc rcpthosts ;
  cdb more ;
  int hasmore ;
  char const *relayclient ;
  size_t maxrcpt ;           /* berth-queue's envelope limits */
  size_t maxbytes ;
  stralloc from ;            /* NUL-terminated */
  stralloc rcpts ;           /* the accepted ones, NUL-terminated one after another */
  stralloc verdicts ;        /* one QMTPD_RCPT_* per recipient, in order */
  unsigned int naccepted ;
  uint64_t size ;
  char const *refusal ;      /* refuses the whole message */
} ;

/* message.c: the message netstring, streamed to the queue program (LF or CRLF type) */
extern void qmtpd_message (qmtpd *q, size_t len) ;
/* envelope.c: the sender's netstring and the recipients' */
extern void qmtpd_envelope (qmtpd *q) ;
/* answer.c: queue (or not), the answers and the log line for one message */
extern void qmtpd_answer (qmtpd *q) ;
/* the session ends: a log line when reason is set, exit 0 */
extern void qmtpd_fail (qmtpd *q, int e) gccattr_noreturn ;
extern void qmtpd_refuse (qmtpd *q, char const *text) ;

#endif
