/* ISC license. */
/* The commit's first step (qcommit.h, doc/queue.md step 1): the id, mess/<id>, the Received line
   after the header's room, the header's magic and u/p records. Not deliverable: nothing names
   the file in todo/. Trust: id, uid and how come from the writer (berth-queue checks a fixed id
   and tells the uid; berth-smtpd is the network). */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/date822.h>
#include <berth/qcommit.h>
#include <berth/qq.h>

#define RECEIVED_PREFIX "Received: (berth "
#define RECEIVED_BYUID "invoked by uid "
#define RECEIVED_HOWMAX 64
#define RECEIVED_MAX (sizeof(RECEIVED_PREFIX) + PID_FMT + sizeof(RECEIVED_BYUID) + UID_FMT + RECEIVED_HOWMAX + DATE822_FMT + 4)

/* qmail's Received line: "(qmail PID invoked by uid N)", or how ("invoked from network", ...). */
static size_t received_fmt (char *s, pid_t pid, uid_t uid, char const *how, time_t now)
{
  size_t n = sizeof(RECEIVED_PREFIX) - 1 ;
  memcpy(s, RECEIVED_PREFIX, n) ;
  n += pid_fmt(s + n, pid) ;
  s[n++] = ' ' ;
  if (how)
  {
    size_t k = strnlen(how, RECEIVED_HOWMAX) ;
    memcpy(s + n, how, k) ; n += k ;
  }
  else
  {
    memcpy(s + n, RECEIVED_BYUID, sizeof(RECEIVED_BYUID) - 1) ; n += sizeof(RECEIVED_BYUID) - 1 ;
    n += uid_fmt(s + n, uid) ;
  }
  memcpy(s + n, "); ", 3) ; n += 3 ;
  n += date822_fmt(s + n, now) ;
  s[n++] = '\n' ;
  return n ;
}

int qcommit_start (qcommit *q, char const *id, uid_t uid, char const *how)
{
  char fn[QUEUE_PATH_MAX] ;
  char recv[RECEIVED_MAX] ;
  struct timespec ts ;
  pid_t pid = getpid() ;
  size_t n ;
  berth_clock_read(&ts) ;
  if (id) memcpy(q->id, id, strnlen(id, QUEUE_ID_MAX - 1) + 1) ;
  else queue_id_fmt(q->id, (uint64_t)ts.tv_sec, (unsigned long)(ts.tv_nsec / 1000), (unsigned long)pid) ;
  q->id[QUEUE_ID_MAX - 1] = 0 ;
  n = received_fmt(recv, pid, uid, how, ts.tv_sec) ;
  queue_path(fn, QUEUE_MESS, q->id) ;
  /* read and write: the seal reads the message back; maybe a pooled file, overwritten */
  q->fd = queue_mess_create(fn) ;
  if (q->fd < 0) return qcommit_errcode(QQ_MESS) ;
  q->made |= QCOMMIT_MESS ;
  if (lseek(q->fd, QUEUE_HEAD, SEEK_SET) < 0 || allwrite(q->fd, recv, n) < n)
  {
    qcommit_abort(q) ;
    return QQ_WRITE ;
  }
  memcpy(q->head, QUEUE_HEAD_MAGIC, QUEUE_HEAD_MAGICLEN) ;
  n = QUEUE_HEAD_MAGICLEN ;
  q->head[n++] = 'u' ; n += uid_fmt(q->head + n, uid) ; q->head[n++] = 0 ;
  q->head[n++] = 'p' ; n += pid_fmt(q->head + n, pid) ; q->head[n++] = 0 ;
  q->headlen = n ;
  q->envdone = 0 ;
  return 0 ;
}
