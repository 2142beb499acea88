/* ISC license. */
/* The message's bytes from fd, to its end, into the commit's message file (qcommit.h): the
   writers that take the message through a pipe, berth-queue (fd 0) and berth-qwriter (its
   peer's pipe). Trust: the bytes are the caller's; the seal covers whatever they are. */

#include <skalibs/allreadwrite.h>
#include <berth/qcommit.h>
#include <berth/qq.h>

#define COPY_BUFSIZE 65536

int qcommit_copy (qcommit *q, int fd)
{
  char buf[COPY_BUFSIZE] ;
  for (;;)
  {
    ssize_t r = fd_read(fd, buf, sizeof buf) ;
    if (r < 0) return QQ_READ ;
    if (!r) return 0 ;
    if (allwrite(q->fd, buf, r) < (size_t)r) return QQ_WRITE ;
  }
}
