/* ISC license. */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/cdb.h>
#include <berth/assign.h>
#include <berth/rcptmap.h>

int rcptmap_newer (char const *path, struct timespec const *t)
{
  struct stat st ;
  if (stat(path, &st) < 0) return errno != ENOENT ;   /* cannot tell: as if newer */
  return st.st_mtim.tv_sec > t->tv_sec || (st.st_mtim.tv_sec == t->tv_sec && st.st_mtim.tv_nsec >= t->tv_nsec) ;
}

int rcptmap_stale (rcptmap const *m)
{
  cdb_data k, d ;
  uint32_t pos ;
  int r ;
  if (rcptmap_newer(ASSIGN_CDB, &m->built) || rcptmap_newer(RCPTMAP_PASSWD, &m->built)) return 1 ;
  cdb_traverse_init(&pos) ;
  while ((r = cdb_traverse_next(&m->c, &k, &d, &pos)) > 0)
  {
    if (!k.len || k.s[0] != RCPTMAP_TAG_HOME) continue ;
    {
      char home[k.len] ;
      memcpy(home, k.s + 1, k.len - 1) ; home[k.len - 1] = 0 ;
      if (rcptmap_newer(home, &m->built)) return 1 ;
    }
  }
  return r < 0 ? -1 : 0 ;
}
