/* ISC license. */
/* Finding the .qmail file: .qmail<dash><ext>, then <dash><ext prefix>-default down to
   <dash>default, as qmail-local (the names from libberth's qmename, which berth-smtpd's
   recipient check shares). ext is lowercased and dots become colons (safeext). */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/qmename.h>
#include <berth/safeext.h>
#include "qme.h"
#include "local.h"

static void nomem (void)
{
  local_say_die(LOCAL_TEMP, "Out of memory. (#4.3.0)", (char *)0) ;
}

/* 1: an ordinary file was opened into *fd; 0: absent or not a file. Dies on trouble. */
static int qme_open (char const *fn, int *fd, int *cutable)
{
  struct stat st ;
  *fd = open(fn, O_RDONLY | O_CLOEXEC) ;
  if (*fd < 0)
  {
    if (errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG) return 0 ;
    local_say_die(LOCAL_TEMP, "Unable to open ", fn, ": ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  }
  if (fstat(*fd, &st) < 0) local_say_die(LOCAL_TEMP, "Unable to open ", fn, ": ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  if (!S_ISREG(st.st_mode)) { close(*fd) ; *fd = -1 ; return 0 ; }
  if (st.st_mode & S_IWOTH) local_say_die(LOCAL_TEMP, "Uh-oh: .qmail file is writable. (#4.7.0)", (char *)0) ;
  *cutable = !!(st.st_mode & S_IXUSR) ;
  return 1 ;
}

static void qme_name (stralloc *sa, char const *dash, char const *ext, size_t extlen, char const *suffix)
{
  if (!stralloc_copys(sa, ".qmail") || !stralloc_cats(sa, dash) || !stralloc_catb(sa, ext, extlen)
   || !stralloc_cats(sa, suffix) || !stralloc_0(sa)) nomem() ;
}

void local_safeext_make (stralloc *sa, char const *ext)
{
  if (!stralloc_copys(sa, ext) || !stralloc_0(sa)) nomem() ;
  sa->len-- ;
  safeext(sa->s, sa->len) ;
}

int local_qmesearch (qme *q, char const *dash, char const *ext, stralloc const *safe)
{
  stralloc fn = STRALLOC_ZERO ;
  qmename it = QMENAME_ZERO ;
  size_t extlen = strlen(ext), prefix ;
  int r ;
  q->fd = -1 ; q->cutable = 0 ; q->dflt = 0 ;
  qmename_start(&it, safe->len) ;
  while ((r = qmename_next(&it, &fn, dash, safe->s, safe->len, &prefix)))
  {
    if (r < 0) nomem() ;
    if (!qme_open(fn.s, &q->fd, &q->cutable)) continue ;
    if (prefix == (size_t)-1)
    {
      if (safe->len >= 7 && !memcmp(safe->s + safe->len - 7, "default", 7) && safe->len - 7 <= extlen)
        q->dflt = ext + safe->len - 7 ;
    }
    else if (prefix <= extlen) q->dflt = ext + prefix ;
    stralloc_free(&fn) ;
    return 1 ;
  }
  stralloc_free(&fn) ;
  return 0 ;
}

/* qmail's qmeox: 1 if .qmail<dash><safeext><suffix> exists. */
int local_qme_exists (char const *dash, stralloc const *safe, char const *suffix)
{
  struct stat st ;
  stralloc fn = STRALLOC_ZERO ;
  int r ;
  qme_name(&fn, dash, safe->s, safe->len, suffix) ;
  r = stat(fn.s, &st) == 0 ;
  if (!r && errno != ENOENT && errno != ENOTDIR && errno != EACCES)
    local_say_die(LOCAL_TEMP, "Unable to open ", fn.s, ": ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  stralloc_free(&fn) ;
  return r ;
}
