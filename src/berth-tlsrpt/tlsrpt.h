/* ISC license. */
/* berth-tlsrpt's internal interfaces: the reporter's identity (control/tlsrpt) and the
   report's message. Trust: control/tlsrpt is the administrator's; the rua addresses come from
   DNS, checked by tlsrpt_txt_parse. */
#ifndef BERTH_TLSRPT_PROG_H
#define BERTH_TLSRPT_PROG_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>

typedef struct reporter_s reporter, *reporter_ref ;
struct reporter_s
{
  char const *org ;      /* organization-name: control/tlsrpt's first line but its last word */
  char const *contact ;  /* the last word: an address, the report's From */
  char const *sender ;   /* the contact's domain: the attachment's name starts with it */
} ;

/* One report: the JSON of domain's day (starting at begin, seconds since the epoch), id its
   report-id, to the rua addresses (each NUL-terminated, rualen bytes) as a multipart/report
   message (RFC 8460 5.3) injected through the queue program. 0 queued, else qmail-queue's
   exit code, text (QQRUN_TEXT_MAX bytes) its report: 'D' permanent or 'Z' temporary, then why. */
extern int send_report (reporter const *r, char const *domain, uint64_t begin, char const *id,
  stralloc const *json, char const *rua, size_t rualen, char *text) ;

#endif
