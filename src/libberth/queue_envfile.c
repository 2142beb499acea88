/* ISC license. */
/* An envelope in its own file (intd/<id>), for an envelope too big for the queue header or a
   mess/ on another file system than todo/ (no link possible): created, written, fsynced. */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <berth/queue.h>

int queue_envfile (char const *fn, char const *s, size_t len)
{
  int fd = open(fn, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640) ;
  if (fd < 0) return -1 ;
  if (allwrite(fd, s, len) < len || fd_sync(fd) < 0)
  {
    int e = errno ;
    fd_close(fd) ;
    unlink(fn) ;
    errno = e ;
    return -1 ;
  }
  if (close(fd) < 0) { int e = errno ; unlink(fn) ; errno = e ; return -1 ; }
  return 0 ;
}
