/* ISC license. */
/* qmail's quote2(): an address as it appears inside <...> in a header (Return-Path), with the
   local part quoted when it is not a plain dot-atom. */
#ifndef BERTH_ADDRQUOTE_H
#define BERTH_ADDRQUOTE_H

#include <skalibs/stralloc.h>

/* Appends the quoted form of s to sa (no NUL). 1 or 0 (out of memory). */
extern int addr_quote (stralloc *sa, char const *s) ;

#endif
