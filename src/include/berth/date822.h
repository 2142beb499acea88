/* ISC license. */
/* RFC 5322 dates in UTC: "Sun, 22 Nov 2026 21:47:03 +0000". */
#ifndef BERTH_DATE822_H
#define BERTH_DATE822_H

#include <time.h>

#define DATE822_FMT 32
/* Writes at most DATE822_FMT bytes, no NUL; returns the length, 0 on a time out of range. */
extern size_t date822_fmt (char *s, time_t t) ;

#endif
