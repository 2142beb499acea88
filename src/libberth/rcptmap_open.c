/* ISC license. */

#include <errno.h>
#include <string.h>
#include <skalibs/cdb.h>
#include <skalibs/types.h>
#include <berth/rcptmap.h>

#define TIME_MAX 64

void rcptmap_close (rcptmap *m)
{
  cdb_free(&m->c) ;
}

int rcptmap_open (rcptmap *m, char const *file)
{
  char key[1] = { RCPTMAP_TAG_TIME } ;
  char buf[TIME_MAX] ;
  cdb_data d ;
  unsigned long sec, nsec ;
  size_t n ;
  if (!cdb_init(&m->c, file)) return 0 ;
  if (cdb_find(&m->c, &d, key, 1) <= 0 || d.len >= TIME_MAX) goto bad ;
  memcpy(buf, d.s, d.len) ; buf[d.len] = 0 ;
  n = ulong_scan(buf, &sec) ;
  if (!n || buf[n] != '.' || !ulong0_scan(buf + n + 1, &nsec)) goto bad ;
  m->built.tv_sec = (time_t)sec ; m->built.tv_nsec = (long)nsec ;
  return 1 ;
 bad:
  cdb_free(&m->c) ;
  errno = EPROTO ;
  return 0 ;
}
