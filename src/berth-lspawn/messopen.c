/* ISC license. */
/* Opening a job's queue/mess/<id> for berth-local. As root (multi-user mode) this open is the
   only thing that stands between the queue user, who owns queue/mess/ and may put any name
   there, and a root-only file: no symbolic link is followed (O_NOFOLLOW), a FIFO does not block
   the spawner (O_NONBLOCK, then off), and the file must be a regular file owned by the queue's
   owner (a hard link to another user's file is refused). As root the message alone is then
   copied into a memory file, which is all berth-local gets: the queue file's header holds the
   whole envelope (Bcc included), and berth-local runs as the recipient, who may take its fds.
   Trust: the id was checked by queue_id_ok; everything in mess/ is the queue user's. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include <berth/queue.h>
#include "lspawn.h"

int mess_open (char const *id, uid_t owner, int copy, char const **text)
{
  char path[QUEUE_PATH_LEN(QUEUE_MESS, strlen(id))] ;
  struct stat st ;
  int fd ;
  queue_path(path, QUEUE_MESS, id) ;
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) ;
  if (fd < 0)
  {
    *text = errno == ELOOP ? "Unable to open message in the queue: it is a symbolic link. (#4.3.0)"
                           : "Unable to open message in the queue. (#4.3.0)" ;
    return -1 ;
  }
  if (fstat(fd, &st) < 0) { *text = "Unable to stat message in the queue. (#4.3.0)" ; goto err ; }
  if (!S_ISREG(st.st_mode) || st.st_uid != owner)
  {
    *text = "Unable to deliver message in the queue: not a regular file owned by the queue's owner. (#4.3.0)" ;
    goto err ;
  }
  if (ndelay_off(fd) < 0 || queue_mess_seek(fd) < 0) { *text = "Unable to read message in the queue. (#4.3.0)" ; goto err ; }   /* past the queue header */
  if (copy)
  {
    int m = queue_mess_memfd(fd) ;
    if (m < 0) { *text = "Unable to copy the message. (#4.3.0)" ; goto err ; }
    fd_close(fd) ;
    fd = m ;
  }
  return fd ;
 err:
  fd_close(fd) ;
  return -1 ;
}
