/* ISC license. */
/* Creates a new message file mess/<id> (fn), read-write, like open(O_CREAT|O_EXCL, 0640), but
   where the kernel allows it the inode is made unnamed first (O_TMPFILE) and then named (linkat
   through /proc/self/fd): the costly part of a create, the inode allocation (on ext4 without a
   journal, a scan past recently freed inodes), then happens without the lock of mess/ that every
   concurrent session and berth-send's removals take. The file has its name when this returns:
   the crash argument is that of a plain create.
   Trust: fn is a queue path built by the caller. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include <berth/queue.h>

#define SELF "/proc/self/fd/"

int queue_mess_create (char const *fn)
{
  int fd = open(QUEUE_MESS, O_TMPFILE | O_RDWR | O_CLOEXEC, 0640) ;
  if (fd >= 0)
  {
    char self[sizeof(SELF) + INT_FMT] ;
    memcpy(self, SELF, sizeof(SELF) - 1) ;
    self[sizeof(SELF) - 1 + int_fmt(self + sizeof(SELF) - 1, fd)] = 0 ;
    if (!linkat(AT_FDCWD, self, AT_FDCWD, fn, AT_SYMLINK_FOLLOW)) return fd ;
    {
      int e = errno ;
      fd_close(fd) ;   /* unnamed: gone with its descriptor */
      if (e == EEXIST) { errno = e ; return -1 ; }
    }
    /* no /proc, or a link refused: the plain way */
  }
  return open(fn, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640) ;
}
