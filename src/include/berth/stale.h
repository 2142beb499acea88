/* ISC license. */
/* Whether a compiled file (a cdb) is behind its source (libberth/berth_stale.c): berth-reload
   rebuilds what it finds stale, berth-showctl warns about it, with one rule. */
#ifndef BERTH_STALE_H
#define BERTH_STALE_H

#define BERTH_STALE_NO 0        /* the compiled file is as new as its source, or there is no source */
#define BERTH_STALE_OLDER 1     /* the source was changed after the compiled file was written */
#define BERTH_STALE_MISSING 2   /* the source exists, the compiled file does not */

/* One of the above, comparing modification times to the nanosecond; -1 with errno set when
   either file cannot be looked at (other than not existing). */
extern int berth_stale (char const *src, char const *compiled) ;

#endif
