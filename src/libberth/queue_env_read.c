/* ISC license. */
/* Reads a todo/ file: an envelope file, or a second name of a message file whose header holds
   the envelope (queue.h). Only the header is read from a message file, whatever its size.
   Trust: the file is the queue owner's; the records are checked again by each caller. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/queue.h>

/* Cuts sa after the record list that starts at from: 1, or 0 when unterminated. */
static int cut (stralloc *sa, size_t from)
{
  size_t i = from ;
  while (i < sa->len && sa->s[i]) i += strnlen(sa->s + i, sa->len - i) + 1 ;
  if (i >= sa->len) return 0 ;
  sa->len = i + 1 ;
  return 1 ;
}

int queue_env_read (char const *fn, stralloc *sa)
{
  size_t from = sa->len ;
  int fd = open(fn, O_RDONLY | O_CLOEXEC) ;
  int r = 1 ;
  if (fd < 0) return 0 ;
  if (!stralloc_readyplus(sa, QUEUE_HEAD)) goto err ;
  {
    size_t n ;
    errno = 0 ;
    n = allread(fd, sa->s + from, QUEUE_HEAD) ;
    if (n < QUEUE_HEAD && errno && errno != EPIPE) goto err ;   /* 0 or EPIPE: end of file */
    if (n >= QUEUE_HEAD_MAGICLEN && !memcmp(sa->s + from, QUEUE_HEAD_MAGIC, QUEUE_HEAD_MAGICLEN))
    {
      memmove(sa->s + from, sa->s + from + QUEUE_HEAD_MAGICLEN, n - QUEUE_HEAD_MAGICLEN) ;
      sa->len = from + n - QUEUE_HEAD_MAGICLEN ;
      if (sa->len == from || !sa->s[from] || !cut(sa, from)) { sa->len = from ; errno = EPROTO ; goto err0 ; }
      r = 2 ;
    }
    else
    {
      sa->len = from + n ;
      if (n == QUEUE_HEAD && !slurp(sa, fd)) goto err ;
    }
  }
  fd_close(fd) ;
  return r ;
 err:
  sa->len = from ;
 err0:
  fd_close(fd) ;
  return 0 ;
}
