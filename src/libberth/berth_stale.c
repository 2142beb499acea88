/* ISC license. */
/* berth_stale (berth/stale.h): is a compiled file older than its source.
   Trust: stats two names the caller gives; reads nothing. */

#include <errno.h>
#include <sys/stat.h>
#include <berth/stale.h>

int berth_stale (char const *src, char const *compiled)
{
  struct stat s, c ;
  if (stat(src, &s) < 0) return errno == ENOENT ? BERTH_STALE_NO : -1 ;
  if (stat(compiled, &c) < 0) return errno == ENOENT ? BERTH_STALE_MISSING : -1 ;
  return s.st_mtim.tv_sec > c.st_mtim.tv_sec
      || (s.st_mtim.tv_sec == c.st_mtim.tv_sec && s.st_mtim.tv_nsec > c.st_mtim.tv_nsec)
    ? BERTH_STALE_OLDER : BERTH_STALE_NO ;
}
