/* ISC license. */
/* qmail's relay lists: rcpthosts (lines as control_readlines gives them) with ".domain"
   wildcards and morercpthosts.cdb (lowercase keys), as qmail's rcpthosts.c reads them
   (libberth/rcpthosts_*.c). Used by berth-smtpd and berth-qmtpd. Trust: the lists are the
   administrator's; the domain is a peer's, only compared. */
#ifndef BERTH_RCPTHOSTS_H
#define BERTH_RCPTHOSTS_H

#include <stddef.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>

/* Is s[0..len) one of the NUL-separated lines of sa (case-insensitive)? */
extern int rcpthosts_inlist (stralloc const *sa, char const *s, size_t len) ;

/* The domain itself, then every ".suffix" of it, in the list or in more (0: no cdb). */
extern int rcpthosts_match (stralloc const *list, cdb const *more, char const *domain, size_t len) ;

#endif
