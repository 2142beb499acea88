/* ISC license. */
/* Permanent failures and asked-for success reports, kept for the bouncer: queue/bounce/<id>,
   one record per recipient, `R<rcpt>\0S<status>\0T<unix time>\0X<text>\0` (berth/dsn.h: and
   the DSN parameters) then `\0`. A record cut by a crash is removed
   before the next append. The record is fsynced before the recipient is marked done. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "send.h"

/* length of the complete records at the start of the file */
static off_t complete_len (int fd, off_t size, stralloc *sa)
{
  off_t i ;
  if (!stralloc_ready(sa, size)) strerr_diefu1sys(111, "allocate") ;
  if (pread(fd, sa->s, size, 0) != size) return -1 ;
  for (i = size ; i >= 2 ; i--)
    if (!sa->s[i-1] && !sa->s[i-2]) return i ;
  return 0 ;
}

/* sa += the field letter params\0, when there are params */
static int params (stralloc *sa, char letter, char const *p)
{
  return !*p || (stralloc_catb(sa, &letter, 1) && stralloc_cats(sa, p) && stralloc_0(sa)) ;
}

/* c->tmp = one record: R<rcpt>\0S<status>\0T<unix time>\0X<text>\0, the message's E params
   and the recipient's R params (E<params>\0, P<params>\0) when there are some, \0 (also
   queue/delay's format) */
void bounce_record (ctx *c, uint32_t m, uint32_t r, char status, char const *text, size_t len)
{
  char fmt[UINT64_FMT] ;
  msg const *x = MSG(c, m) ;
  c->tmp.len = 0 ;
  if (!stralloc_catb(&c->tmp, "R", 1) || !stralloc_cats(&c->tmp, MSG(c, m)->data.s + RCPT(c, m, r)->addr) || !stralloc_0(&c->tmp)
   || !stralloc_catb(&c->tmp, "S", 1) || !stralloc_catb(&c->tmp, &status, 1) || !stralloc_0(&c->tmp)
   || !stralloc_catb(&c->tmp, "T", 1) || !stralloc_catb(&c->tmp, fmt, uint64_fmt(fmt, c->now / 1000)) || !stralloc_0(&c->tmp)
   || !stralloc_catb(&c->tmp, "X", 1) || !stralloc_catb(&c->tmp, text, len) || !stralloc_0(&c->tmp)
   || !params(&c->tmp, 'E', x->data.s + x->mparams) || !params(&c->tmp, 'P', x->data.s + RCPT(c, m, r)->params)
   || !stralloc_0(&c->tmp))
    strerr_diefu1sys(111, "allocate") ;
}

void bounce_append (ctx *c, uint32_t m, uint32_t r, char status, char const *text, size_t len)
{
  msg *x = MSG(c, m) ;
  size_t idlen = strlen(x->id) ;
  char fn[sizeof(QUEUE_BOUNCE) + idlen + 1] ;
  struct stat st ;
  off_t end ;
  int created = 0 ;
  int fd ;
  queue_path(fn, QUEUE_BOUNCE, x->id) ;
  fd = open(fn, O_RDWR | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno != ENOENT) strerr_diefu2sys(111, "open ", fn) ;
    fd = open(fn, O_RDWR | O_CREAT | O_CLOEXEC, 0600) ;
    if (fd < 0) strerr_diefu2sys(111, "create ", fn) ;
    created = 1 ;
  }
  if (fstat(fd, &st) < 0) strerr_diefu2sys(111, "stat ", fn) ;
  end = st.st_size ;
  if (end)
  {
    end = complete_len(fd, st.st_size, &c->tmp) ;
    if (end < 0) strerr_diefu2sys(111, "read ", fn) ;
    if (end != st.st_size && ftruncate(fd, end) < 0) strerr_diefu2sys(111, "truncate ", fn) ;
  }
  bounce_record(c, m, r, status, text, len) ;
  if (pwrite(fd, c->tmp.s, c->tmp.len, end) != (ssize_t)c->tmp.len || fd_sync(fd) < 0)
    strerr_diefu2sys(111, "write ", fn) ;
  fd_close(fd) ;
  if (created && queue_syncdir(QUEUE_BOUNCE) < 0) strerr_diefu2sys(111, "sync ", QUEUE_BOUNCE) ;
}
