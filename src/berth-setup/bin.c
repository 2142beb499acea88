/* ISC license. */
/* berth-setup, multi-user mode: HOME/bin/, a copy of the programs (berth-* and sendmail) with
   berth-queue set-uid to the queue's owner, as qmail's /var/qmail/bin, and berth-qread too (so
   that mailq lists an ordinary user's own messages: doc/berth-qread.md). Every program finds
   berth-queue next to itself, so mail injected through HOME/bin reaches the set-uid copy.
   A copy is rewritten only when its bytes, mode or owner differ (an upgrade, or a repair).
   Trust: run by root; the source directory is the administrator's. */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/direntry.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "setup.h"

#define QUEUE_PROG "berth-queue"
#define QREAD_PROG "berth-qread"
#define QUEUE_PROG_MODE 04711   /* both, set-uid to the queue's owner */
#define PROG_MODE 0755

static int same (char const *path, char const *s, size_t len, mode_t mode, owner const *o)
{
  struct stat st ;
  stralloc sa = STRALLOC_ZERO ;
  int r ;
  if (stat(path, &st) < 0)
  {
    if (errno != ENOENT) strerr_diefu2sys(111, "stat ", path) ;
    return 0 ;
  }
  if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != mode || (size_t)st.st_size != len) return 0 ;
  if (o->chown && (st.st_uid != o->uid || st.st_gid != o->gid)) return 0 ;
  if (!openslurpclose(&sa, path)) strerr_diefu2sys(111, "read ", path) ;
  r = sa.len == len && !memcmp(sa.s, s, len) ;
  stralloc_free(&sa) ;
  return r ;
}

/* Makes path hold s with mode and owner, by an atomic rename, unless it already does: 1 when
   it wrote. */
int file_sync (char const *path, char const *s, size_t len, mode_t mode, owner const *o)
{
  size_t plen = strlen(path) ;
  char tmp[plen + 5] ;
  if (same(path, s, len, mode, o)) return 0 ;
  memcpy(tmp, path, plen) ; memcpy(tmp + plen, ".new", 5) ;
  unlink(tmp) ;
  if (!openwritenclose_unsafe_sync(tmp, s, len)) strerr_diefu2sys(111, "write ", tmp) ;
  own(tmp, o) ;   /* before the chmod: chown clears the set-uid bit */
  if (chmod(tmp, mode) < 0) strerr_diefu2sys(111, "chmod ", tmp) ;
  if (rename(tmp, path) < 0) strerr_diefu4sys(111, "rename ", tmp, " to ", path) ;
  return 1 ;
}

static int wanted (char const *name)
{
  if (strchr(name, '.')) return 0 ;
  return !strncmp(name, "berth-", 6) || !strcmp(name, "sendmail") ;
}

void setup_bin (char const *srcdir, owner const *admin, owner const *queue)
{
  stralloc path = STRALLOC_ZERO, data = STRALLOC_ZERO ;
  size_t base ;
  int found = 0 ;
  DIR *dir = opendir(srcdir) ;
  if (!dir) strerr_diefu2sys(111, "open directory ", srcdir) ;
  mkdir_own("bin", 0755, admin) ;
  if (!stralloc_copys(&path, srcdir) || !stralloc_catb(&path, "/", 1)) goto err ;
  base = path.len ;
  for (;;)
  {
    struct stat st ;
    direntry *d ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (!wanted(d->d_name)) continue ;
    path.len = base ;
    if (!stralloc_cats(&path, d->d_name) || !stralloc_0(&path)) goto err ;
    if (stat(path.s, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR)) continue ;
    data.len = 0 ;
    if (!openslurpclose(&data, path.s)) strerr_diefu2sys(111, "read ", path.s) ;
    {
      int isq = !strcmp(d->d_name, QUEUE_PROG) ;
      int suid = isq || !strcmp(d->d_name, QREAD_PROG) ;
      size_t n = strlen(d->d_name) ;
      char dst[5 + n] ;
      memcpy(dst, "bin/", 4) ; memcpy(dst + 4, d->d_name, n + 1) ;
      file_sync(dst, data.s, data.len, suid ? QUEUE_PROG_MODE : PROG_MODE, suid ? queue : admin) ;
      found |= isq ;
    }
  }
  if (errno) strerr_diefu2sys(111, "read directory ", srcdir) ;
  dir_close(dir) ;
  stralloc_free(&path) ; stralloc_free(&data) ;
  if (!found) strerr_dief3x(100, "no ", QUEUE_PROG, " in the program directory (give -b)") ;
  return ;
 err:
  strerr_diefu1sys(111, "allocate") ;
}
