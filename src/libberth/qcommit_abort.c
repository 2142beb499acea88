/* ISC license. */
/* Withdraws a commit that did not reach its end (qcommit.h): closes its files and removes the
   names it made, so that nothing is left for the stale sweep. Idempotent.
   Trust: the names are the ones this process made. */

#include <errno.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <berth/qcommit.h>
#include <berth/qq.h>

void qcommit_abort (qcommit *q)
{
  char fn[QUEUE_PATH_MAX] ;
  if (q->intdfd >= 0) { fd_close(q->intdfd) ; q->intdfd = -1 ; }
  if (q->fd >= 0) { fd_close(q->fd) ; q->fd = -1 ; }
  if (q->made & QCOMMIT_TODO) { queue_path(fn, QUEUE_TODO, q->id) ; unlink(fn) ; }
  if (q->made & QCOMMIT_INTD) { queue_path(fn, QUEUE_INTD, q->id) ; unlink(fn) ; }
  if (q->made & QCOMMIT_MESS) { queue_path(fn, QUEUE_MESS, q->id) ; unlink(fn) ; }
  q->made = 0 ;
}

int qcommit_errcode (int code)
{
  return errno == ENOSPC || errno == EDQUOT ? QQ_WRITE : code ;
}
