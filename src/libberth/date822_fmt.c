/* ISC license. */

#include <time.h>
#include <skalibs/types.h>
#include <berth/date822.h>

static char const days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" } ;
static char const months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" } ;

static size_t two (char *s, unsigned int n)
{
  s[0] = '0' + (n / 10) % 10 ; s[1] = '0' + n % 10 ;
  return 2 ;
}

size_t date822_fmt (char *s, time_t t)
{
  struct tm tm ;
  size_t n = 0 ;
  if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) return 0 ;
  s[n++] = days[tm.tm_wday][0] ; s[n++] = days[tm.tm_wday][1] ; s[n++] = days[tm.tm_wday][2] ;
  s[n++] = ',' ; s[n++] = ' ' ;
  n += uint_fmt(s + n, tm.tm_mday) ;
  s[n++] = ' ' ;
  s[n++] = months[tm.tm_mon][0] ; s[n++] = months[tm.tm_mon][1] ; s[n++] = months[tm.tm_mon][2] ;
  s[n++] = ' ' ;
  n += uint_fmt(s + n, tm.tm_year + 1900) ;
  s[n++] = ' ' ;
  n += two(s + n, tm.tm_hour) ; s[n++] = ':' ;
  n += two(s + n, tm.tm_min) ; s[n++] = ':' ;
  n += two(s + n, tm.tm_sec) ;
  s[n++] = ' ' ; s[n++] = '+' ; s[n++] = '0' ; s[n++] = '0' ; s[n++] = '0' ; s[n++] = '0' ;
  return n ;
}
