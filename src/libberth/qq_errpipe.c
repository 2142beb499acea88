/* ISC license. */

#include <fcntl.h>
#include <sys/stat.h>
#include <berth/qq.h>

int qq_errpipe (int fd)
{
  struct stat st ;
  int fl = fcntl(fd, F_GETFL) ;
  return fl >= 0 && (fl & O_ACCMODE) != O_RDONLY && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) ;
}
