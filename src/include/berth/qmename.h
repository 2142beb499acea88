/* ISC license. */
/* The .qmail file names qmail-local tries for one address, in its order: .qmail<dash><ext>,
   then .qmail<dash><prefix>default for every prefix of ext that ends in '-' (longest first),
   down to .qmail<dash>default. ext is in its safeext form (berth/safeext.h). One generator for
   berth-local, which opens them, and berth-smtpd's recipient check, which looks them up in the
   recipients map (berth/rcptmap.h), so both follow the same rules.
   Trust: none; the strings are the caller's. */
#ifndef BERTH_QMENAME_H
#define BERTH_QMENAME_H

#include <stddef.h>
#include <skalibs/stralloc.h>

#define QMENAME_BASE ".qmail"
#define QMENAME_DEFAULT "default"

typedef struct qmename_s qmename, *qmename_ref ;
struct qmename_s
{
  size_t next ;   /* the next prefix length to try, plus one; 0: done */
  int exact ;     /* the exact name is still to come */
} ;
#define QMENAME_ZERO { .next = 0, .exact = 0 }

extern void qmename_start (qmename *it, size_t safelen) ;

/* The next name into fn (NUL-terminated, len without the NUL). 1 and *prefix: the length of the
   ext prefix before "default", or (size_t)-1 for the exact name; 0 when none is left; -1 out of
   memory. */
extern int qmename_next (qmename *it, stralloc *fn, char const *dash, char const *safe, size_t safelen, size_t *prefix) ;

#endif
