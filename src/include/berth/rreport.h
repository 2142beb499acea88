/* ISC license. */
/* Turning a qmail-remote report into spawn-protocol records (qmail-rspawn's rules); the jobs'
   framing is berth/spawner.h's. Trust: the report comes from berth-remote (or any
   qmail-remote); it is length-checked. */
#ifndef BERTH_RREPORT_H
#define BERTH_RREPORT_H

#include <stddef.h>
#include <skalibs/stralloc.h>

#define RREPORT_TEXT_MAX 1000
#define RREPORT_UNABLE "Unable to run berth-remote. (#4.3.0)"
#define RREPORT_FACTS 'I'        /* berth-remote's facts record, right after the final record */
#define RREPORT_FACTS_MAX 400
#define RREPORT_FACTS_SEP '\037' /* the spawn protocol's facts follow a record's text after it */

/* report: the child's stdout; ok: it exited 0. Appends n records (K/Z/D text NUL) to out:
   's' -> Z with its text, 'h' -> D with its text, 'r' -> the final K/Z/D; a recipient without a
   record takes the final unless it is K. A report without a final record, or !ok: every
   recipient gets Z RREPORT_UNABLE. Texts are sanitised (CR, LF, control bytes -> space) and
   capped. A facts record (RREPORT_FACTS, "key=value ...") right after the final one is appended
   to every record after RREPORT_FACTS_SEP, printable and capped (doc/berth-start.md). 1 ok, 0
   out of memory. */
extern int rreport_records (stralloc *out, char const *report, size_t len, int ok, unsigned int n) ;

#endif
