/* ISC license. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/rreport.h>

/* the facts' bytes, each outside printable ASCII as bad */
static int clean (stralloc *out, char const *s, size_t len, char bad)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = (unsigned char)s[i] < 32 || (unsigned char)s[i] >= 127 ? bad : s[i] ;
    if (!stralloc_catb(out, &c, 1)) return 0 ;
  }
  return 1 ;
}

typedef struct facts_s facts ;
struct facts_s { char const *s ; size_t len ; } ;

/* one record: what, the text sanitised and capped, then the facts after RREPORT_FACTS_SEP */
static int rec (stralloc *out, char what, char const *s, size_t len, facts const *f)
{
  static char const sep = RREPORT_FACTS_SEP ;
  if (len > RREPORT_TEXT_MAX) len = RREPORT_TEXT_MAX ;
  if (!stralloc_catb(out, &what, 1)) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = (unsigned char)s[i] < 32 || s[i] == 127 ? ' ' : s[i] ;
    if (!stralloc_catb(out, &c, 1)) return 0 ;
  }
  if (f->len && (!stralloc_catb(out, &sep, 1) || !clean(out, f->s, f->len, '?'))) return 0 ;
  return stralloc_0(out) ;
}

int rreport_records (stralloc *out, char const *report, size_t len, int ok, unsigned int n)
{
  size_t pos = 0, fpos = 0, flen = 0 ;
  char final = 0 ;
  unsigned int k = 0 ;
  facts fx = { .s = 0, .len = 0 } ;
  /* first pass: find the final record */
  while (ok && pos < len)
  {
    char const *z = memchr(report + pos, 0, len - pos) ;
    size_t l ;
    if (!z) break ;
    l = z - (report + pos) ;
    if (l && (report[pos] == 'K' || report[pos] == 'Z' || report[pos] == 'D'))
    {
      final = report[pos] ; fpos = pos + 1 ; flen = l - 1 ;
      break ;
    }
    if (!l || (report[pos] != 'r' && report[pos] != 'h' && report[pos] != 's')) break ;
    pos += l + 1 ;
  }
  if (!final)
  {
    for (unsigned int i = 0 ; i < n ; i++)
      if (!rec(out, 'Z', RREPORT_UNABLE, sizeof(RREPORT_UNABLE) - 1, &fx)) return 0 ;
    return 1 ;
  }
  pos = fpos + flen + 1 ;   /* the facts record, when right after the final one */
  if (pos < len && report[pos] == RREPORT_FACTS)
  {
    char const *z = memchr(report + pos, 0, len - pos) ;
    if (z)
    {
      fx.s = report + pos + 1 ;
      fx.len = z - fx.s ;
      if (fx.len > RREPORT_FACTS_MAX) fx.len = RREPORT_FACTS_MAX ;
    }
  }
  pos = 0 ;
  for (; k < n ; k++)
  {
    char const *z ;
    size_t l ;
    char what = 0 ;
    if (pos < fpos - 1)
    {
      z = memchr(report + pos, 0, len - pos) ;
      l = z - (report + pos) ;
      what = report[pos] ;
      if (what == 'h') { if (!rec(out, 'D', report + pos + 1, l - 1, &fx)) return 0 ; }
      else if (what == 's') { if (!rec(out, 'Z', report + pos + 1, l - 1, &fx)) return 0 ; }
      else if (!rec(out, final, report + fpos, flen, &fx)) return 0 ;
      pos += l + 1 ;
      continue ;
    }
    if (final == 'K')
    {
      static char const inc[] = "berth-remote gave no result for this recipient. (#4.3.0)" ;
      if (!rec(out, 'Z', inc, sizeof inc - 1, &fx)) return 0 ;
    }
    else if (!rec(out, final, report + fpos, flen, &fx)) return 0 ;
  }
  return 1 ;
}
