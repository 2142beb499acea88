/* ISC license. */
/* The MTA-STS policy file (RFC 8461 3.2): "key: value" lines ending in CRLF (a bare LF taken
   too), version STSv1, mode, max_age, mx (repeated); other keys ignored, the first of a
   repeated key kept (mx excepted). Trust: the file is the network's, bounded by the caller. */

#include <string.h>
#include <skalibs/types.h>
#include <berth/mtasts.h>

char const *const mtasts_modes[3] = { "none", "testing", "enforce" } ;

#define MAXAGE_DIGITS 10

static int lower_pattern (stralloc *mx, char const *v, size_t n)
{
  size_t at = mx->len ;
  if (n && v[n-1] == '.') n-- ;
  if (!n || n > MTASTS_DOMAIN_MAX) return -1 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char c = v[i] ;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A' ;
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || (c == '*' && !i))) return -1 ;
    if (!stralloc_catb(mx, &c, 1)) return 0 ;
  }
  if (v[0] == '*' && (n < 3 || v[1] != '.')) { mx->len = at ; return -1 ; }   /* "*.suffix" only */
  return stralloc_0(mx) ? 1 : 0 ;
}

int mtasts_policy_parse (char const *s, size_t len, mtasts_policy *p, char const **why)
{
  int version = 0, mode = -1, maxage = 0 ;
  unsigned int nmx = 0 ;
  p->mx.len = 0 ;
  p->mode = MTASTS_NONE ;
  p->max_age = 0 ;
  for (size_t i = 0 ; i < len ; )
  {
    char const *line = s + i ;
    char const *nl = memchr(line, '\n', len - i) ;
    size_t ll = nl ? (size_t)(nl - line) : len - i ;
    char const *colon, *v ;
    size_t kl, vl ;
    i += ll + !!nl ;
    if (ll && line[ll-1] == '\r') ll-- ;
    if (!ll) continue ;
    if (memchr(line, 0, ll)) return (*why = "a NUL byte", 0) ;
    colon = memchr(line, ':', ll) ;
    if (!colon) return (*why = "a line without a colon", 0) ;
    kl = colon - line ;
    v = colon + 1 ; vl = ll - kl - 1 ;
    while (vl && (*v == ' ' || *v == '\t')) { v++ ; vl-- ; }
    while (vl && (v[vl-1] == ' ' || v[vl-1] == '\t')) vl-- ;
    if (kl == 7 && !memcmp(line, "version", 7))
    {
      if (version) continue ;
      if (vl != 5 || memcmp(v, "STSv1", 5)) return (*why = "a version other than STSv1", 0) ;
      version = 1 ;
    }
    else if (kl == 4 && !memcmp(line, "mode", 4))
    {
      if (mode >= 0) continue ;
      for (int k = 0 ; k < 3 ; k++)
        if (vl == strlen(mtasts_modes[k]) && !memcmp(v, mtasts_modes[k], vl)) mode = k ;
      if (mode < 0) return (*why = "an unknown mode", 0) ;
    }
    else if (kl == 7 && !memcmp(line, "max_age", 7))
    {
      uint64_t u ;
      if (maxage) continue ;
      if (!vl || vl > MAXAGE_DIGITS || uint64_scan(v, &u) != vl || u > MTASTS_MAXAGE_MAX)
        return (*why = "a bad max_age", 0) ;
      p->max_age = u ;
      maxage = 1 ;
    }
    else if (kl == 2 && !memcmp(line, "mx", 2))
    {
      int r ;
      if (nmx >= MTASTS_MX_MAX) continue ;
      r = lower_pattern(&p->mx, v, vl) ;
      if (!r) return (*why = "out of memory", 0) ;
      if (r < 0) return (*why = "a bad mx pattern", 0) ;
      nmx++ ;
    }
  }
  if (!version) return (*why = "no version", 0) ;
  if (mode < 0) return (*why = "no mode", 0) ;
  if (!maxage) return (*why = "no max_age", 0) ;
  if (mode != MTASTS_NONE && !nmx) return (*why = "no mx", 0) ;
  p->mode = mode ;
  return 1 ;
}
