/* ISC license. */
/* The form an address extension takes in a .qmail file name (qmail-local's safeext): ASCII letters
   lowercased, dots become colons, so that an extension never names a hidden or parent file.
   Used by berth-local to find .qmail files and by berth-setup to write them. */
#ifndef BERTH_SAFEEXT_H
#define BERTH_SAFEEXT_H

#include <stddef.h>

#define SAFEEXT_DOT ':'

/* rewrites s[0..len) in place */
extern void safeext (char *s, size_t len) ;

#endif
