/* ISC license. */
/* Gives an unnamed file (open with O_TMPFILE) its name: linkat through /proc/self/fd, since
   linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH. Used for new queue files
   (queue_mess_create) and Maildir deliveries (berth-local). Trust: fd and path are the caller's. */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <berth/queue.h>

#define SELF "/proc/self/fd/"

int queue_fd_name (int fd, char const *path)
{
  char self[sizeof(SELF) + INT_FMT] ;
  memcpy(self, SELF, sizeof(SELF) - 1) ;
  self[sizeof(SELF) - 1 + int_fmt(self + sizeof(SELF) - 1, fd)] = 0 ;
  return linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW) ;
}
