/* ISC license. */

#include <fcntl.h>
#include <skalibs/djbunix.h>
#include <berth/queue.h>

int queue_syncdir (char const *dir)
{
  int r ;
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return -1 ;
  r = fd_sync(fd) ;
  fd_close(fd) ;
  return r ;
}
