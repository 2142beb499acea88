/* ISC license. */

#include <errno.h>
#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/assign.h>

#define ASSIGN_DATA_FIELDS 6

static int decode (cdb_data const *d, char const *rest, assign *a, stralloc *sa)
{
  char const *f[ASSIGN_DATA_FIELDS] ;
  size_t pos = 0 ;
  unsigned long u ;
  for (unsigned int i = 0 ; i < ASSIGN_DATA_FIELDS ; i++)
  {
    char const *z = pos < d->len ? memchr(d->s + pos, 0, d->len - pos) : 0 ;
    if (!z) return (errno = EPROTO, -1) ;
    f[i] = d->s + pos ;
    pos = z - d->s + 1 ;
  }
  if (!ulong0_scan(f[1], &u)) return (errno = EPROTO, -1) ;
  a->uid = (uid_t)u ;
  if (!ulong0_scan(f[2], &u)) return (errno = EPROTO, -1) ;
  a->gid = (gid_t)u ;
  a->user = sa->len ;
  if (!stralloc_cats(sa, f[0]) || !stralloc_0(sa)) return -1 ;
  a->home = sa->len ;
  if (!stralloc_cats(sa, f[3]) || !stralloc_0(sa)) return -1 ;
  a->dash = sa->len ;
  if (!stralloc_cats(sa, f[4]) || !stralloc_0(sa)) return -1 ;
  a->ext = sa->len ;
  if (!stralloc_cats(sa, f[5]) || !stralloc_cats(sa, rest) || !stralloc_0(sa)) return -1 ;
  return 1 ;
}

int assign_lookup (cdb const *c, char const *local, assign *a, stralloc *sa)
{
  size_t len = strlen(local) ;
  char key[len + 2] ;
  cdb_data d ;
  int r ;
  key[0] = ASSIGN_EXACT ;
  memcpy(key + 1, local, len) ;
  case_lowerb(key + 1, len) ;
  r = cdb_find(c, &d, key, len + 1) ;
  if (r < 0) return (errno = EPROTO, -1) ;
  if (r) return decode(&d, "", a, sa) ;
  key[0] = ASSIGN_WILD ;
  for (size_t i = len + 1 ; i-- > 0 ;)
  {
    r = cdb_find(c, &d, key, i + 1) ;
    if (r < 0) return (errno = EPROTO, -1) ;
    if (r) return decode(&d, local + i, a, sa) ;
  }
  return 0 ;
}
