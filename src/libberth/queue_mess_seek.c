/* ISC license. */
/* Where the message begins in a mess/ file: after berth's queue header, or at 0 without one. */

#include <string.h>
#include <unistd.h>
#include <berth/queue.h>

off_t queue_mess_seek (int fd)
{
  char buf[QUEUE_HEAD_MAGICLEN] ;
  ssize_t r = pread(fd, buf, sizeof buf, 0) ;
  off_t start ;
  if (r < 0) return -1 ;
  start = r == sizeof buf && !memcmp(buf, QUEUE_HEAD_MAGIC, sizeof buf) ? QUEUE_HEAD : 0 ;
  return lseek(fd, start, SEEK_SET) < 0 ? -1 : start ;
}
