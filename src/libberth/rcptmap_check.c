/* ISC license. */
/* The recipients map's lookup: berth-lspawn's order (users/assign, then passwd, then the alias
   user) and berth-local's .qmail names, on the map instead of passwd and the homes. */

#include <errno.h>
#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>
#include <berth/assign.h>
#include <berth/qmename.h>
#include <berth/rcptmap.h>
#include <berth/safeext.h>
#include <berth/userpart.h>

#ifndef BERTH_CONF_BREAK
#define BERTH_CONF_BREAK '-'
#endif

/* 1 found (*d), 0 not, -1 corrupt */
static int find (rcptmap const *m, char tag, char const *k, size_t klen, cdb_data *d)
{
  size_t n = klen + 1 ;
  char key[n] ;
  int r ;
  key[0] = tag ;
  memcpy(key + 1, k, klen) ;
  r = cdb_find(&m->c, d, key, n) ;
  if (r < 0) errno = EPROTO ;
  return r ;
}

/* the map says no: unless a source is newer (a user, an assign entry or a .qmail file added since) */
static int refuse (rcptmap const *m, char const *home)
{
  if (rcptmap_newer(ASSIGN_CDB, &m->built) || rcptmap_newer(RCPTMAP_PASSWD, &m->built) || rcptmap_newer(home, &m->built)) return RCPTMAP_STALE ;
  return RCPTMAP_NO ;
}

/* any .qmail name berth-local would try for dash and ext in home (home, dash and ext may point
   into the caller's stralloc: nothing here appends to it) */
static int qmail_found (rcptmap const *m, char const *home, char const *dash, char const *ext)
{
  size_t hlen = strlen(home), prefix ;
  qmename it = QMENAME_ZERO ;
  stralloc safe = STRALLOC_ZERO, name = STRALLOC_ZERO, fn = STRALLOC_ZERO ;
  cdb_data d ;
  int r = -1 ;
  if (!stralloc_copys(&safe, ext) || !stralloc_0(&safe)
   || !stralloc_catb(&fn, home, hlen) || !stralloc_catb(&fn, "/", 1)) { errno = ENOMEM ; goto end ; }
  safe.len-- ;
  safeext(safe.s, safe.len) ;
  qmename_start(&it, safe.len) ;
  for (;;)
  {
    r = qmename_next(&it, &name, dash, safe.s, safe.len, &prefix) ;
    if (r <= 0) break ;
    fn.len = hlen + 1 ;
    if (!stralloc_catb(&fn, name.s, name.len)) { errno = ENOMEM ; r = -1 ; break ; }
    r = find(m, RCPTMAP_TAG_FILE, fn.s, fn.len, &d) ;
    if (r) break ;
  }
  if (r < 0 && errno != EPROTO) errno = ENOMEM ;
 end:
  stralloc_free(&safe) ; stralloc_free(&name) ; stralloc_free(&fn) ;
  return r ;
}

static int target (rcptmap const *m, char const *home, char const *dash, char const *ext)
{
  cdb_data d ;
  int r ;
  if (!dash[0]) return RCPTMAP_YES ;   /* no extension: a missing .qmail means defaultdelivery */
  r = find(m, RCPTMAP_TAG_HOME, home, strlen(home), &d) ;
  if (r < 0) return -1 ;
  if (!r || d.len) return RCPTMAP_YES ;   /* a home the builder did not see or could not read */
  r = qmail_found(m, home, dash, ext) ;
  if (r < 0) return -1 ;
  return r ? RCPTMAP_YES : refuse(m, home) ;
}

static int copy (stralloc *sa, char const *s, size_t len)
{
  size_t start = sa->len ;
  if (!stralloc_catb(sa, s, len) || !stralloc_0(sa)) return -1 ;
  return (int)start ;
}

int rcptmap_check (rcptmap const *m, char const *local, size_t len)
{
  stralloc sa = STRALLOC_ZERO ;
  char lower[len + 1] ;
  cdb_data d ;
  assign a ;
  size_t i ;
  int r ;
  userpart it ;
  if (!len) return RCPTMAP_YES ;   /* berth-lspawn trashes it: delivered */
  memcpy(lower, local, len) ; lower[len] = 0 ;
  case_lowerb(lower, len) ;
  if (memchr(lower, 0, len)) return RCPTMAP_YES ;
  r = assign_lookup(&m->c, lower, &a, &sa) ;
  if (r < 0) { errno = EPROTO ; goto end ; }
  if (r) { r = target(m, sa.s + a.home, sa.s + a.dash, sa.s + a.ext) ; goto end ; }
  userpart_start(&it, len) ;
  while (userpart_next(&it, lower, len, BERTH_CONF_BREAK, &i))
  {
    int h ;
    r = find(m, RCPTMAP_TAG_PASSWD, lower, i, &d) ;
    if (r < 0) goto end ;
    if (!r) continue ;
    h = copy(&sa, d.s, d.len) ;
    if (h < 0) { r = -1 ; goto end ; }
    r = target(m, sa.s + h, i < len ? "-" : "", i < len ? lower + i + 1 : "") ;
    goto end ;
  }
  r = find(m, RCPTMAP_TAG_ALIAS, "", 0, &d) ;
  if (r <= 0) { if (!r) errno = EPROTO ; r = -1 ; goto end ; }
  {
    int h = copy(&sa, d.s, d.len) ;
    if (h < 0) { r = -1 ; goto end ; }
    r = target(m, sa.s + h, "-", lower) ;
  }
 end:
  stralloc_free(&sa) ;
  return r ;
}
