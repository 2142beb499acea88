/* ISC license. */
/* The MTA-STS cache entry (doc/berth-mtasts.md): queue/mtasts/DOMAIN, "key value\n" lines
   id, mode, max_age, fetched, then one mx line per pattern; written whole by berth-mtasts
   (a temporary file renamed), read by berth-remote and berth-mtasts -l. Trust: written by the
   remote user only; still parsed with bounds. */

#include <errno.h>
#include <string.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/mtasts.h>

#define CACHE_MAX (MTASTS_POLICY_MAX + 256)

int mtasts_cache_format (stralloc *sa, mtasts_policy const *p)
{
  char fmt[UINT64_FMT] ;
  if (!stralloc_cats(sa, "id ") || !stralloc_cats(sa, p->id)
   || !stralloc_cats(sa, "\nmode ") || !stralloc_cats(sa, mtasts_modes[p->mode])
   || !stralloc_cats(sa, "\nmax_age ") || !stralloc_catb(sa, fmt, uint64_fmt(fmt, p->max_age))
   || !stralloc_cats(sa, "\nfetched ") || !stralloc_catb(sa, fmt, uint64_fmt(fmt, p->fetched))
   || !stralloc_cats(sa, "\n")) return 0 ;
  for (size_t i = 0 ; i < p->mx.len ; i += strlen(p->mx.s + i) + 1)
    if (!stralloc_cats(sa, "mx ") || !stralloc_cats(sa, p->mx.s + i) || !stralloc_cats(sa, "\n")) return 0 ;
  return 1 ;
}

int mtasts_cache_parse (char const *s, size_t len, mtasts_policy *p)
{
  int have = 0 ;
  p->mx.len = 0 ;
  p->id[0] = 0 ;
  p->mode = -1 ;
  for (size_t i = 0 ; i < len ; )
  {
    char const *line = s + i ;
    char const *nl = memchr(line, '\n', len - i) ;
    char const *sp ;
    size_t ll, vl ;
    if (!nl) return -1 ;
    ll = nl - line ;
    i += ll + 1 ;
    sp = memchr(line, ' ', ll) ;
    if (!sp) return -1 ;
    vl = line + ll - sp - 1 ;
    if (sp - line == 2 && !memcmp(line, "id", 2))
    {
      if (!vl || vl > MTASTS_ID_MAX) return -1 ;
      memcpy(p->id, sp + 1, vl) ; p->id[vl] = 0 ;
      have |= 1 ;
    }
    else if (sp - line == 4 && !memcmp(line, "mode", 4))
    {
      for (int k = 0 ; k < 3 ; k++)
        if (vl == strlen(mtasts_modes[k]) && !memcmp(sp + 1, mtasts_modes[k], vl)) p->mode = k ;
      have |= 2 ;
    }
    else if (sp - line == 7 && !memcmp(line, "max_age", 7))
    {
      uint64_t u ;
      if (!vl || uint64_scan(sp + 1, &u) != vl || u > MTASTS_MAXAGE_MAX) return -1 ;
      p->max_age = u ;
      have |= 4 ;
    }
    else if (sp - line == 7 && !memcmp(line, "fetched", 7))
    {
      if (!vl || vl > UINT64_FMT - 1 || uint64_scan(sp + 1, &p->fetched) != vl) return -1 ;
      have |= 8 ;
    }
    else if (sp - line == 2 && !memcmp(line, "mx", 2))
    {
      if (!vl || memchr(sp + 1, 0, vl)) return -1 ;
      if (!stralloc_catb(&p->mx, sp + 1, vl) || !stralloc_0(&p->mx)) return -1 ;
    }
  }
  if (have != 15 || p->mode < 0) return (errno = EINVAL, -1) ;
  return 1 ;
}

int mtasts_cache_read (char const *dir, char const *domain, mtasts_policy *p)
{
  size_t dl = strlen(dir), nl = strlen(domain) ;
  char fn[dl + nl + 2] ;
  char buf[CACHE_MAX] ;
  ssize_t r ;
  memcpy(fn, dir, dl) ; fn[dl] = '/' ; memcpy(fn + dl + 1, domain, nl + 1) ;
  r = openreadnclose(fn, buf, sizeof buf) ;
  if (r < 0) return errno == ENOENT ? 0 : -1 ;
  if ((size_t)r == sizeof buf) return (errno = EFBIG, -1) ;
  if (mtasts_cache_parse(buf, r, p) < 0) { if (!errno) errno = EINVAL ; return -1 ; }
  return 1 ;
}

int mtasts_fresh (mtasts_policy const *p, uint64_t now)
{
  return p->fetched + p->max_age > now ;
}
