/* ISC license. */
/* Delivery status notifications (RFC 3464): berth-send's bounce records, enhanced status codes
   and diagnostic texts. Trust: record texts come from deliverers and remote hosts; every byte is
   untrusted, lengths are bounded and the output lines are kept within RFC 5322's 998 bytes. */
#ifndef BERTH_DSN_H
#define BERTH_DSN_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>

#define DSN_QUEUE_BOUNCE "queue/bounce"
#define DSN_QUEUE_STATE "queue/state"
#define DSN_QUEUE_DELAY "queue/delay"   /* delay-warning records (berth-send), emptied once warned */
#define DSN_ID_SUFFIX_DELAY 'D'       /* a delay warning of x is queued as xD */

/* The suffix of a bounce's queue id: the bounce of <id> is injected as <id>B. */
#define DSN_ID_SUFFIX 'B'
/* A bounce of a bounce is <id>BB; its own bounce is discarded, so no id has more. */
#define DSN_ID_MAXB 2

#define DSN_LINE_MAX 998
#define DSN_FOLD_WIDTH 78
#define DSN_STATUS_MAX 12
#define DSN_STATUS_DEFAULT "5.0.0"
#define DSN_CLASS_PERMANENT '5'

/* "5.1.1" (NUL-terminated, at most DSN_STATUS_MAX bytes) from a deliverer's text: qmail's
   "#x.y.z", else "x.y.z" right after a "2xx/4xx/5xx" reply code. The class is always 5 (these are
   final failures). Returns 1 when found, 0 when DSN_STATUS_DEFAULT was written. */
extern int dsn_status (char *out, char const *text, size_t len) ;

/* What a diagnostic text says: offsets into it (len 0: absent). */
typedef struct dsn_diag_s dsn_diag, *dsn_diag_ref ;
struct dsn_diag_s
{
  size_t host ;
  size_t hostlen ;
  size_t reply ;
  size_t replylen ;
} ;
#define DSN_DIAG_ZERO { .host = 0, .hostlen = 0, .reply = 0, .replylen = 0 }
/* qmail-remote's forms: "Connected to HOST but ...", "HOST does not like recipient.",
   "host HOST said: ...", and "Remote host said: REPLY". */
extern void dsn_diag_parse (dsn_diag *d, char const *text, size_t len) ;

/* One record of queue/bounce/<id>: R<rcpt>\0 S<c>\0 T<secs>\0 X<text>\0, then optional
   E<params>\0 (the message's E record) and P<params>\0 (the recipient's R record: berth/envext.h),
   then \0. S is DSN_REC_PERM (the deliverer said D), DSN_REC_LIFETIME (still deferred when the
   queue lifetime ended: expired), DSN_REC_DELIVERED (delivered locally, a success report was
   asked for) or DSN_REC_RELAYED (relayed to a next hop without DSN, one was asked for). */
#define DSN_REC_PERM 'D'
#define DSN_REC_LIFETIME 'L'
#define DSN_REC_DELIVERED 'S'
#define DSN_REC_RELAYED 'Y'
#define DSN_REC_SUCCESS(c) ((c) == DSN_REC_DELIVERED || (c) == DSN_REC_RELAYED)
typedef struct dsn_rcpt_s dsn_rcpt, *dsn_rcpt_ref ;
struct dsn_rcpt_s
{
  size_t addr ;
  size_t addrlen ;
  size_t text ;
  size_t textlen ;
  size_t mparams ;      /* E: offset, length (0: none) */
  size_t mparamslen ;
  size_t params ;       /* P */
  size_t paramslen ;
  uint64_t when ;
  char status ;
} ;
/* Appends one dsn_rcpt (offsets into s) per record holding an R field. A record cut short at the
   end of s is ignored. Returns the number of records appended, or -1 (out of memory). */
extern int dsn_records_parse (genalloc *ga, char const *s, size_t len) ;

/* 1 if id is digits and dots (starting with a digit) followed by between minb and maxb 'B's. */
extern int dsn_queueid_ok (char const *id, unsigned int minb, unsigned int maxb) ;

/* Appends s as printable ASCII: control bytes become spaces; bytes >= 0x80 become '?' unless
   keep8bit. 1 or 0 (out of memory). */
extern int dsn_clean (stralloc *sa, char const *s, size_t len, int keep8bit) ;

/* Appends first, then s folded at spaces into lines of at most width bytes where possible,
   continuation lines starting with cont; a word too long for DSN_LINE_MAX is split. Every line
   ends in "\n" and is at most DSN_LINE_MAX bytes. 1 or 0 (out of memory). */
extern int dsn_fold (stralloc *sa, char const *first, char const *s, size_t len, char const *cont, size_t width) ;

#endif
