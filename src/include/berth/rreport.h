/* ISC license. */
/* Turning a qmail-remote report into spawn-protocol records (qmail-rspawn's rules), and
   parsing remote jobs. Trust: the report comes from berth-remote (or any qmail-remote);
   jobs from berth-send. Both are length-checked. */
#ifndef BERTH_RREPORT_H
#define BERTH_RREPORT_H

#include <stddef.h>
#include <skalibs/stralloc.h>

#define RREPORT_TEXT_MAX 1000
#define RREPORT_UNABLE "Unable to run berth-remote. (#4.3.0)"

/* report: the child's stdout; ok: it exited 0. Appends n records (K/Z/D text NUL) to out:
   's' -> Z with its text, 'h' -> D with its text, 'r' -> the final K/Z/D; a recipient without a
   record takes the final unless it is K. A report without a final record, or !ok: every
   recipient gets Z RREPORT_UNABLE. Texts are sanitised (CR, LF, control bytes -> space) and
   capped. 1 ok, 0 out of memory. */
extern int rreport_records (stralloc *out, char const *report, size_t len, int ok, unsigned int n) ;

/* A job in s: slot byte, then (<id>\0<sender>\0<rcpt>\0)+ then \0. Returns its length if
   complete, 0 if more bytes are needed, -1 if malformed (an empty id or rcpt... not at a
   triple start). *n receives the number of recipients. */
extern long rjob_scan (char const *s, size_t len, unsigned int *n) ;

#endif
