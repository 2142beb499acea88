/* ISC license. */
/* The queue tools: a duration in seconds as two units ("3d04h", "2h05m", "4m12s", "9s"). */

#include <skalibs/types.h>
#include <berth/qtool.h>

static size_t two (char *s, uint64_t a, char ua, uint64_t b, char ub)
{
  size_t n = uint64_fmt(s, a) ;
  s[n++] = ua ;
  s[n++] = '0' + b / 10 ;
  s[n++] = '0' + b % 10 ;
  s[n++] = ub ;
  s[n] = 0 ;
  return n ;
}

size_t qtool_dur_fmt (char *s, uint64_t t)
{
  size_t n ;
  if (t >= 86400) return two(s, t / 86400, 'd', (t % 86400) / 3600, 'h') ;
  if (t >= 3600) return two(s, t / 3600, 'h', (t % 3600) / 60, 'm') ;
  if (t >= 60) return two(s, t / 60, 'm', t % 60, 's') ;
  n = uint64_fmt(s, t) ;
  s[n++] = 's' ;
  s[n] = 0 ;
  return n ;
}
