/* ISC license. */
/* TLS-RPT days: the UTC day YYYY-MM-DD that names a directory of queue/tlsrpt/, and back.
   Trust: a day name read from the directory or the command line is checked in full. */

#include <string.h>
#include <time.h>
#include <skalibs/types.h>
#include <berth/tlsrpt.h>

int tlsrpt_day_fmt (char *s, uint64_t t)
{
  time_t tt = (time_t)t ;
  struct tm tm ;
  if (!gmtime_r(&tt, &tm)) return 0 ;
  return strftime(s, TLSRPT_DAY_LEN + 1, "%Y-%m-%d", &tm) == TLSRPT_DAY_LEN ;
}

int tlsrpt_day_scan (char const *s, uint64_t *t)
{
  struct tm tm ;
  char back[TLSRPT_DAY_LEN + 1] ;
  time_t tt ;
  memset(&tm, 0, sizeof tm) ;
  if (strlen(s) != TLSRPT_DAY_LEN) return 0 ;
  {
    char const *e = strptime(s, "%Y-%m-%d", &tm) ;
    if (!e || *e) return 0 ;
  }
  tt = timegm(&tm) ;
  if (tt < 0 || !tlsrpt_day_fmt(back, tt) || strcmp(back, s)) return 0 ;   /* "2026-02-30" */
  *t = tt ;
  return 1 ;
}
