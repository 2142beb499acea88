/* ISC license. */
/* Reading qmail-style control files (relative to the instance home, which callers chdir to).
   Trust: control files are written by the administrator; contents are still length-checked. */
#ifndef BERTH_CONTROL_H
#define BERTH_CONTROL_H

#include <skalibs/stralloc.h>

/* First line, trailing spaces/tabs/CR removed, NUL-terminated in sa.
   1: found; 0: absent (sa holds dflt if dflt != 0); -1: read error, errno set. */
extern int control_readline (stralloc *sa, char const *file, char const *dflt) ;

/* First line as an unsigned number. 1: found or default used; 0: not a number (errno EINVAL);
   -1: read error. */
extern int control_readulong (unsigned long *u, char const *file, unsigned long dflt) ;

/* Every line, NUL-terminated one after another; blank lines and lines starting with '#'
   skipped, trailing spaces/tabs/CR removed. 1: found; 0: absent (sa empty); -1: error. */
extern int control_readlines (stralloc *sa, char const *file) ;

/* Same parsing on a buffer already in memory; appends to sa. 1 or 0 (out of memory). */
extern int control_parselines (stralloc *sa, char const *s, size_t len) ;

/* A map in lines (as control_readlines gives them), each "key:value"; a key starting with '['
   ends at its ']' (address literals hold colons). Keys compare case-insensitively. With
   suffixes set, tries key, then each ".suffix" of it, then "*", then the empty key (qmail's
   smtproutes order, plus "*"); else the key only. Returns the value, or 0. */
extern char const *control_mapfind (char const *lines, size_t len, char const *key, int suffixes) ;

#endif
