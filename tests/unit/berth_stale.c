/* ISC license. */
/* Tests of berth_stale (src/libberth/berth_stale.c: a compiled file behind its source, to the
   nanosecond) and qtool_uid (src/libberth/qtool_uid.c: the u record of a todo/ envelope file),
   in a fresh directory under /tmp. */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <berth/qtool.h>
#include <berth/stale.h>
#include "tap.h"

struct scase
{
  char const *what ;
  int src, cdb ;          /* the files exist */
  long ssec, snsec ;      /* their modification times */
  long csec, cnsec ;
  int want ;
} ;

static struct scase const cases[] =
{
  { "no source", 0, 1, 0, 0, 100, 0, BERTH_STALE_NO },
  { "no source, no cdb", 0, 0, 0, 0, 0, 0, BERTH_STALE_NO },
  { "source without its cdb", 1, 0, 100, 0, 0, 0, BERTH_STALE_MISSING },
  { "cdb newer by a second", 1, 1, 100, 0, 101, 0, BERTH_STALE_NO },
  { "same time", 1, 1, 100, 5, 100, 5, BERTH_STALE_NO },
  { "source newer by a nanosecond", 1, 1, 100, 6, 100, 5, BERTH_STALE_OLDER },
  { "source newer by a second", 1, 1, 101, 0, 100, 999999999, BERTH_STALE_OLDER },
} ;

static int file_at (char const *fn, long sec, long nsec)
{
  struct timespec ts[2] = { { .tv_sec = sec, .tv_nsec = nsec }, { .tv_sec = sec, .tv_nsec = nsec } } ;
  int fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC, 0644) ;
  if (fd < 0) return 0 ;
  close(fd) ;
  return utimensat(AT_FDCWD, fn, ts, 0) == 0 ;
}

static int put (char const *fn, char const *s, size_t len)
{
  int fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC, 0600) ;
  int r = fd >= 0 && write(fd, s, len) == (ssize_t)len ;
  if (fd >= 0) close(fd) ;
  return r ;
}

int main (void)
{
  char dir[] = "/tmp/berth-unit-stale.XXXXXX" ;
  size_t n = sizeof cases / sizeof *cases ;
  uint64_t uid = 0 ;
  if (!mkdtemp(dir) || chdir(dir) < 0) return 111 ;
  TAP_PLAN(n + 3) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    struct scase const *c = cases + i ;
    unlink("src") ; unlink("src.cdb") ;
    if ((c->src && !file_at("src", c->ssec, c->snsec)) || (c->cdb && !file_at("src.cdb", c->csec, c->cnsec))) return 111 ;
    TAP_OK(berth_stale("src", "src.cdb") == c->want, "berth_stale: %s", c->what) ;
  }
  unlink("src") ; unlink("src.cdb") ;
  if (mkdir("queue", 0700) < 0 || mkdir("queue/todo", 0700) < 0 || mkdir("queue/mess", 0700) < 0) return 111 ;
  if (!put("queue/todo/1.2.3", "u1234\0p9\0Fa@x\0Tb@y\0\0", 21)) return 111 ;
  TAP_OK(qtool_uid("1.2.3", &uid) == 1 && uid == 1234, "qtool_uid: the u record of an envelope file") ;
  if (!put("queue/todo/1.2.4", "p9\0Fa@x\0Tb@y\0\0", 14)) return 111 ;
  TAP_OK(!qtool_uid("1.2.4", &uid), "qtool_uid: none without a u record") ;
  TAP_OK(!qtool_uid("1.2.5", &uid), "qtool_uid: none for a message not there") ;
  unlink("queue/todo/1.2.3") ; unlink("queue/todo/1.2.4") ;
  rmdir("queue/todo") ; rmdir("queue/mess") ; rmdir("queue") ;
  if (chdir("/") < 0 || rmdir(dir) < 0) return 111 ;
  return TAP_DONE() ;
}
