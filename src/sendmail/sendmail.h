/* ISC license. */
/* sendmail: the jobs of its files. */
#ifndef BERTH_SENDMAIL_H
#define BERTH_SENDMAIL_H

#include <skalibs/stralloc.h>

/* mailq.c: lists the queue of the instance (cwd = HOME) on stdout; returns the exit code. */
extern int mailq_list (void) ;

/* selfdir.c: the path of a sibling program (our executable's directory), or 0 when absent. */
extern int selfdir_find (stralloc *, char const *) ;

#endif
