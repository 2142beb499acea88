/* ISC license. */
/* berth's envelope extension records (doc/queue.md, "Envelope extension records"): E<params>
   after the F record, R<params> after a T record, for the ESMTP parameters that travel with a
   message (DSN: RFC 3461, 6533; REQUIRETLS: RFC 8689). params are space-separated KEY or
   KEY=VALUE words, values in their wire form (xtext as received).
   Trust: parameters come from SMTP peers and from queue files; every reader checks them again
   and nothing here trusts a length or a byte it did not check. */
#ifndef BERTH_ENVEXT_H
#define BERTH_ENVEXT_H

#include <stddef.h>
#include <skalibs/stralloc.h>

#define ENVEXT_MAIL 'E'          /* the envelope-wide record, after F */
#define ENVEXT_RCPT 'R'          /* a recipient's record, after its T */
#define ENVEXT_MAX 1000          /* bytes of one record's params, its letter and NUL excluded */
#define ENVEXT_ENVID_MAX 100     /* RFC 3461 4.4 */
#define ENVEXT_ORCPT_MAX 500     /* RFC 3461 4.2 */
#define ENVEXT_QMAILQUEUE_EXT "QMAILQUEUE_EXT"   /* =1: $QMAILQUEUE passes E and R records on */

/* NOTIFY's values, as bits; 0 means NOTIFY was not given */
#define ENVEXT_NOTIFY_NEVER 1u
#define ENVEXT_NOTIFY_SUCCESS 2u
#define ENVEXT_NOTIFY_FAILURE 4u
#define ENVEXT_NOTIFY_DELAY 8u

#define ENVEXT_RET_NONE 0
#define ENVEXT_RET_FULL 1
#define ENVEXT_RET_HDRS 2

/* 1 when s (len bytes) is a valid record's params: printable ASCII or spaces, at most ENVEXT_MAX. */
extern int envext_ok (char const *s, size_t len) ;

/* The value of the word KEY (or KEY=...) in params s (len bytes): 1 and *v, *vlen (0 for a bare
   KEY) when present, 0 when absent. Keys compare case-insensitively. */
extern int envext_get (char const *s, size_t len, char const *key, char const **v, size_t *vlen) ;

/* RFC 3461 4.1: 1 when s is xtext ("+" and two hex digits for anything outside 33-126, '+', '='). */
extern int xtext_ok (char const *s, size_t len) ;
/* Appends the decoded xtext to sa: 1, 0 when not xtext (EINVAL) or out of memory. */
extern int xtext_decode (stralloc *sa, char const *s, size_t len) ;

/* NOTIFY's value ("NEVER", or a comma list of SUCCESS, FAILURE, DELAY, each once): 1 and *bits,
   or 0 when invalid. */
extern int envext_notify_scan (char const *s, size_t len, unsigned int *bits) ;
/* NOTIFY's canonical form for bits (upper case, fixed order) appended to sa: 1 or 0 (memory). */
extern int envext_notify_fmt (stralloc *sa, unsigned int bits) ;
/* The NOTIFY bits of an R record's params (0 when absent or invalid). */
extern unsigned int envext_notify (char const *s, size_t len) ;
/* RET's value: ENVEXT_RET_FULL or _HDRS, ENVEXT_RET_NONE when absent or invalid. */
extern int envext_ret (char const *s, size_t len) ;

/* ORCPT's value: addr-type ";" then xtext (RFC 3461 4.2), or for the addr-type "utf-8",
   utf-8-addr-xtext (RFC 6533 3: "\x{HEX}" for a non-ASCII character, no '+' or '='), at most
   ENVEXT_ORCPT_MAX bytes. 1 valid, 0 invalid. */
extern int envext_orcpt_ok (char const *s, size_t len) ;
/* An ORCPT in RFC 6533's raw form, "utf-8;" then utf-8-addr-unitext: 1 when valid and, converted,
   within ENVEXT_ORCPT_MAX (envext_orcpt_fmt writes it so), else 0. */
extern int envext_orcpt_unitext_ok (char const *s, size_t len) ;
/* sa += ORCPT's value as the records hold it: unitext converted, anything else as it is. */
extern int envext_orcpt_fmt (stralloc *sa, char const *s, size_t len, int unitext) ;

/* The original recipient for a report: "type;address" decoded (xtext, or kept as is for utf-8)
   appended to sa. 1, or 0 invalid or out of memory. */
extern int envext_orcpt_decode (stralloc *sa, char const *s, size_t len) ;

/* RFC 6533's utf-8-addr-unitext (raw UTF-8, under SMTPUTF8) in s: appended to sa as
   utf-8-addr-xtext ("\x{HEX}", upper-case, for each non-ASCII character), the form the records
   hold. 1, or 0 when s is not unitext (invalid UTF-8, a control byte, a space, '+' or '=') or
   out of memory. envext_unitext_len: the converted length, 0 when invalid. */
extern int envext_unitext_xtext (stralloc *sa, char const *s, size_t len) ;
extern size_t envext_unitext_len (char const *s, size_t len) ;

/* ENVID's value: xtext of at most ENVEXT_ENVID_MAX bytes. 1 valid, 0 invalid. */
extern int envext_envid_ok (char const *s, size_t len) ;

/* 1 when the queue program this writer runs takes E and R records: berth's own (qqprog is 0:
   $QMAILQUEUE unset), or the admin said so with QMAILQUEUE_EXT=1. */
extern int envext_writable (char const *qqprog, char const *qqext) ;

#endif
