/* ISC license. */
/* Finding another program of the suite: the directory of the running binary, read from
   /proc/self/exe (so through any symlink or qmail name to the real bin/), plus its name
   (libberth/berth_sibling.c, berth_binhome.c). */
#ifndef BERTH_SIBLING_H
#define BERTH_SIBLING_H

#include <skalibs/stralloc.h>

/* Appends to sa the directory of the running binary, a slash, name and a NUL (name "": the
   directory with its final slash). 1, or 0 with errno set (sa then as it was). */
extern int berth_sibling (stralloc *sa, char const *name) ;

/* Appends to sa the directory above the running binary's when that one is named bin/ (HOME of
   HOME/bin/PROG, qmail's /var/qmail/bin model), and a NUL. 1; 0 when the binary is in no bin/
   or on error (sa then as it was; the caller falls back to the compiled home either way). */
extern int berth_binhome (stralloc *sa) ;

/* The berth-tlsc to run: $BERTH_TLSC (not when set-uid or set-gid), else the sibling, else
   "berth-tlsc" through PATH (libberth/berth_tlsc_path.c) */
extern char const *berth_tlsc_path (void) ;

#endif
