/* ISC license. */
/* The end of a commit (qcommit.h; doc/queue.md steps 2 to 6 and the crash argument): the header
   written and sealed, the message file fsynced, mess/ fsynced where the filesystem needs it, the
   link into todo/ or the rename of intd/<id> and the fsync of todo/, the trigger. Both writers,
   berth-queue and berth-smtpd in process, commit through here.
   Trust: the files are the ones this process made (qcommit_start, qcommit_env). */

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include <berth/qcommit.h>
#include <berth/qq.h>

static int fail (qcommit *q, int code)
{
  qcommit_abort(q) ;
  return code ;
}

/* Whether mess/ needs its own fsync: per file, from the answer kept for the file's device. */
static int names_for (qcommit_names *c, int fd, struct stat const *st)
{
  if (!c->known || c->dev != st->st_dev)
  {
    c->names = !!queue_fsync_names_st(fd, st) ;
    c->dev = st->st_dev ;
    c->known = 1 ;
  }
  return c->names ;
}

int qcommit_finish (qcommit *q, qcommit_names *names)
{
  char mess[QUEUE_PATH_MAX], intd[QUEUE_PATH_MAX], todo[QUEUE_PATH_MAX] ;
  struct stat st ;
  int fd, syncdir, linked = q->intdfd < 0 ;
  if (!q->envdone) return fail(q, QQ_ENVELOPE) ;
  if (!linked)
  {
    /* fsync 1b: the big envelope in its own file */
    fd = q->intdfd ; q->intdfd = -1 ;
    if (fd_sync(fd) < 0) { fd_close(fd) ; return fail(q, QQ_WRITE) ; }
    if (close(fd) < 0) return fail(q, QQ_WRITE) ;
  }
  /* S2 -> S3: the header, then fsync 1; with the seal, the end of this is the commit point */
  if (queue_head_write(q->fd, q->id, q->head, q->headlen, linked) < 0 || fd_sync(q->fd) < 0
   || fstat(q->fd, &st) < 0) return fail(q, QQ_WRITE) ;
  syncdir = !names_for(names, q->fd, &st) ;
  fd = q->fd ; q->fd = -1 ;
  if (close(fd) < 0) return fail(q, QQ_WRITE) ;
  /* fsync 1c, where a new file's fsync does not make its name durable */
  if (syncdir && queue_syncdir(QUEUE_MESS) < 0) return fail(q, QQ_WRITE) ;
  queue_path(mess, QUEUE_MESS, q->id) ;
  queue_path(intd, QUEUE_INTD, q->id) ;
  queue_path(todo, QUEUE_TODO, q->id) ;
  /* S3 -> S4: berth-send relinks a sealed file after a reboot that lost this link */
  if (linked && queue_link(mess, todo) < 0)
  {
    if (errno != EXDEV) return fail(q, QQ_TODO) ;
    /* mess/ on another filesystem than todo/: the envelope in its own file after all */
    if (queue_envfile(intd, q->head + QUEUE_HEAD_MAGICLEN, q->headlen - QUEUE_HEAD_MAGICLEN) < 0)
      return fail(q, qcommit_errcode(QQ_INTD)) ;
    q->made |= QCOMMIT_INTD ;
    linked = 0 ;
  }
  if (!linked)
  {
    /* the commit point of an envelope in its own file: the rename, made durable by fsync 2 */
    if (rename(intd, todo) < 0) return fail(q, QQ_TODO) ;
    q->made = (q->made & ~QCOMMIT_INTD) | QCOMMIT_TODO ;
    /* not durable and the caller will retry: withdrawn rather than risk a duplicate */
    if (queue_syncdir(QUEUE_TODO) < 0) return fail(q, QQ_WRITE) ;
  }
  q->made = 0 ;
  queue_trigger() ;
  return 0 ;
}
