/* ISC license. */
/* The message alone in a memory file, for a program that expects it from offset 0 as qmail
   gives it (a .qmail program, a remote program not berth's): the queue file's bytes from fd's
   current offset (past the queue header) to its end. */

#include <errno.h>
#include <unistd.h>
#include <sys/mman.h>
#include <skalibs/djbunix.h>
#include <berth/queue.h>

int queue_mess_memfd (int fd)
{
  int c = memfd_create("berth-message", MFD_CLOEXEC) ;
  if (c < 0) return -1 ;
  if (fd_cat(fd, c) < 0 || lseek(c, 0, SEEK_SET) < 0)
  {
    int e = errno ;
    fd_close(c) ;
    errno = e ;
    return -1 ;
  }
  return c ;
}
