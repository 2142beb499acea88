/* ISC license. */
/* qmail's quote2(): an address as it appears inside <...>, with the local part quoted when it
   is not a plain dot-atom. */
#ifndef BERTH_ADDRQUOTE_H
#define BERTH_ADDRQUOTE_H

#include <skalibs/stralloc.h>

/* For a header (Return-Path): appends the quoted form of s to sa (no NUL). 1 or 0 (out of
   memory). */
extern int addr_quote (stralloc *sa, char const *s) ;

/* For the SMTP wire (MAIL FROM, RCPT TO): RFC 5321's form, UTF-8 as atext (RFC 6531), so that
   a peer parses back exactly s. 1; 0 with errno EINVAL when s cannot be written (a control
   byte or DEL in the local part, a byte in the domain that would end the path), nothing
   appended; 0 with ENOMEM. "" is the null path. */
extern int addr_quote_smtp (stralloc *sa, char const *s) ;

#endif
