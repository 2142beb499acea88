/* ISC license. */
/* Reads a todo/ file: an envelope file, or a second name of a message file whose header holds
   the envelope (queue.h). Only the header is read from a message file, whatever its size.
   An envelope file is read whole, or up to a bound (queue_env_readmax: berth-send's memory).
   Trust: the file is the queue owner's, but the records are checked again by each caller, and
   nothing in it (its type, its size) can make a reader block or grow without bound. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <sys/stat.h>
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

/* The rest of an envelope file after its first QUEUE_HEAD bytes, at most max bytes in all. */
static int rest (stralloc *sa, int fd, size_t from, size_t max)
{
  if (!max) return slurp(sa, fd) ;
  for (;;)
  {
    size_t n ;
    if (sa->len - from > max) return (errno = EFBIG, 0) ;
    if (!stralloc_readyplus(sa, QUEUE_HEAD)) return 0 ;
    errno = 0 ;
    n = allread(fd, sa->s + sa->len, QUEUE_HEAD) ;
    if (n < QUEUE_HEAD && errno && errno != EPIPE) return 0 ;
    sa->len += n ;
    if (n < QUEUE_HEAD) return sa->len - from > max ? (errno = EFBIG, 0) : 1 ;
  }
}

int queue_env_read (char const *fn, stralloc *sa)
{
  return queue_env_readmax(fn, sa, 0) ;
}

int queue_env_readmax (char const *fn, stralloc *sa, size_t max)
{
  size_t from = sa->len ;
  struct stat st ;
  int fd = open(fn, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW) ;
  int r = 1 ;
  if (fd < 0) { if (errno == ELOOP) errno = EPROTO ; return 0 ; }
  if (fstat(fd, &st) < 0) goto err ;
  if (!S_ISREG(st.st_mode)) { errno = EPROTO ; goto err ; }
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
      if (sa->len == from || !sa->s[from] || !cut(sa, from)) { sa->len = from ; errno = EPROTO ; goto err ; }
      r = 2 ;
    }
    else
    {
      sa->len = from + n ;
      if (n == QUEUE_HEAD && !rest(sa, fd, from, max)) goto err ;
    }
  }
  fd_close(fd) ;
  return r ;
 err:
  sa->len = from ;
  fd_close(fd) ;
  return 0 ;
}
