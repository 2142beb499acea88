/* ISC license. */
/* .qmail file lookup for berth-local. */
#ifndef BERTH_LOCAL_QME_H
#define BERTH_LOCAL_QME_H

#include <skalibs/stralloc.h>

typedef struct qme_s qme, *qme_ref ;
struct qme_s
{
  int fd ;            /* open .qmail file, or -1 */
  int cutable ;       /* user x bit: forward-only */
  char const *dflt ;  /* the part of ext matched by "default", or 0 */
} ;

extern void local_safeext_make (stralloc *, char const *) ;
/* 1 found (q->fd open), 0 none. Dies 111 on a world-writable .qmail or an I/O error. */
extern int local_qmesearch (qme *q, char const *dash, char const *ext, stralloc const *safe) ;
extern int local_qme_exists (char const *dash, stralloc const *safe, char const *suffix) ;

#endif
