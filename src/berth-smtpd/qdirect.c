/* ISC license. */
/* In-process queueing: when no $QMAILQUEUE is set and berth-smtpd already runs as the owner of
   queue/ (single-user instances), running berth-queue would cross no privilege boundary, so
   berth-smtpd commits the message itself with berth-queue's exact protocol and crash argument
   (doc/queue.md): mess/<id> streamed after room for its header, the envelope written into the
   header and sealed (or into intd/<id>, fsynced, when it does not fit), the file fsynced, mess/
   fsynced where needed, linked into todo/ (or renamed, then todo/ fsynced), trigger. That saves
   one process per message.
   Trust: the envelope is built by berth-smtpd and checked again with envscan, as berth-queue does. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/date822.h>
#include <berth/envelope.h>
#include <berth/qq.h>
#include <berth/queue.h>
#include <berth/smtpd.h>

#define RECEIVED_MAX (64 + PID_FMT + DATE822_FMT)

static void path (char *fn, char const *dir, size_t dirlen, char const *id)
{
  memcpy(fn, dir, dirlen) ;
  fn[dirlen] = '/' ;
  memcpy(fn + dirlen + 1, id, strlen(id) + 1) ;
}
#define PATH(fn, dir, id) path(fn, dir, sizeof(dir) - 1, id)
#define PATHLEN (sizeof(QUEUE_MESS) + QUEUE_ID_MAX + 1)
#define ENVFILE_CODE (errno == ENOSPC || errno == EDQUOT ? QQ_WRITE : QQ_INTD)

int smtpd_qd_usable (void)
{
  struct stat st ;
  char const *x = getenv("QMAILQUEUE") ;
  int fd, names ;
  if (x && *x) return 0 ;
  if (stat(QUEUE_DIR, &st) < 0 || st.st_uid != geteuid() || access(QUEUE_MESS, W_OK) < 0) return 0 ;
  fd = open(QUEUE_MESS, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  names = queue_fsync_names(fd) ;
  fd_close(fd) ;
  return names ? QD_NAMES : QD_SYNCDIR ;
}

/* S1 -> S2: mess/<id> with berth-queue's Received line (from network: we are the network). */
int smtpd_qd_start (smtpd_qq *q)
{
  char fn[PATHLEN] ;
  char recv[RECEIVED_MAX] ;
  struct timespec ts ;
  pid_t pid = getpid() ;
  size_t n = 0 ;
  clock_gettime(CLOCK_REALTIME, &ts) ;
  queue_id_fmt(q->id, (uint64_t)ts.tv_sec, (unsigned long)(ts.tv_nsec / 1000), (unsigned long)pid) ;
  PATH(fn, QUEUE_MESS, q->id) ;
  /* read and write: the seal reads the message back; maybe a pooled file, overwritten */
  q->msgfd = queue_mess_create(fn) ;
  if (q->msgfd < 0) return 0 ;
  memcpy(recv, "Received: (berth ", 17) ; n = 17 ;
  n += pid_fmt(recv + n, pid) ;
  memcpy(recv + n, " invoked from network); ", 24) ; n += 24 ;
  n += date822_fmt(recv + n, ts.tv_sec) ;
  recv[n++] = '\n' ;
  q->direct = 1 ;
  q->pid = 0 ;
  q->envfd = q->errfd = q->idfd = -1 ;
  q->failed = 0 ;
  if (lseek(q->msgfd, QUEUE_HEAD, SEEK_SET) < 0 || allwrite(q->msgfd, recv, n) < n) { smtpd_qd_abort(q) ; return 0 ; }
  return 1 ;
}

void smtpd_qd_abort (smtpd_qq *q)
{
  char fn[PATHLEN] ;
  if (!q->direct) return ;
  if (q->msgfd >= 0) { fd_close(q->msgfd) ; q->msgfd = -1 ; }
  PATH(fn, QUEUE_INTD, q->id) ; unlink(fn) ;
  PATH(fn, QUEUE_MESS, q->id) ; unlink(fn) ;
  q->direct = 0 ;
}

static int envelope (smtpd const *s, stralloc *sa)
{
  char fmt[UINT64_FMT] ;
  return stralloc_catb(sa, QUEUE_HEAD_MAGIC, QUEUE_HEAD_MAGICLEN)
      && stralloc_catb(sa, "u", 1) && stralloc_catb(sa, fmt, uid_fmt(fmt, getuid())) && stralloc_0(sa)
      && stralloc_catb(sa, "p", 1) && stralloc_catb(sa, fmt, pid_fmt(fmt, getpid())) && stralloc_0(sa)
      && stralloc_catb(sa, "F", 1) && stralloc_catb(sa, s->mailfrom.s, s->mailfrom.len) && stralloc_0(sa) ;
}

/* S2 -> S3 -> S4. Returns a qmail-queue exit code; on anything but QQ_OK nothing is committed. */
static int commit (smtpd const *s, smtpd_qq *q, stralloc *env)
{
  char mess[PATHLEN], intd[PATHLEN], todo[PATHLEN] ;
  envscan e = ENVSCAN_ZERO ;
  size_t hdr ;
  int done = 0, code = 0, linked, fd = q->msgfd ;
  if (q->failed) return QQ_WRITE ;
  if (!envelope(s, env)) return QQ_NOMEM ;
  if (envscan_limits(&e) < 0) return QQ_CONFIG ;   /* berth-queue's limits (exit 31 over them) */
  hdr = env->len - s->mailfrom.len - 2 ;   /* envscan sees what berth-queue reads on fd 1 */
  for (size_t i = 0 ; i < s->rcpts.len ; i += strlen(s->rcpts.s + i) + 1)
    if (!stralloc_catb(env, "T", 1) || !stralloc_cats(env, s->rcpts.s + i) || !stralloc_0(env)) return QQ_NOMEM ;
  if (!stralloc_0(env)) return QQ_NOMEM ;
  if (envscan_feed(&e, env->s + hdr, env->len - hdr, &done, &code) != (ssize_t)(env->len - hdr) || !done)
    return code ? code : QQ_ENVELOPE ;
  PATH(mess, QUEUE_MESS, q->id) ;
  PATH(intd, QUEUE_INTD, q->id) ;
  PATH(todo, QUEUE_TODO, q->id) ;
  linked = env->len + QUEUE_SEAL_LEN <= QUEUE_HEAD ;
  if (!linked)
  {
    /* too big for the header: its own file, and the header says so with an empty record list */
    if (queue_envfile(intd, env->s + QUEUE_HEAD_MAGICLEN, env->len - QUEUE_HEAD_MAGICLEN) < 0) return ENVFILE_CODE ;
    env->len = QUEUE_HEAD_MAGICLEN ;
    if (!stralloc_0(env)) return QQ_NOMEM ;
  }
  if (queue_head_write(fd, q->id, env->s, env->len, linked) < 0 || fd_sync(fd) < 0) return QQ_WRITE ;
  q->msgfd = -1 ;
  if (close(fd) < 0) return QQ_WRITE ;
  if (s->qdirect != QD_NAMES && queue_syncdir(QUEUE_MESS) < 0) return QQ_WRITE ;
  /* the commit point: the fsync above for a sealed file (berth-send relinks it after a reboot
     that lost this link), the rename and the fsync of todo/ for an envelope in its own file */
  if (linked && queue_link(mess, todo) < 0)
  {
    if (errno != EXDEV) return QQ_TODO ;
    /* mess/ on another file system than todo/: the envelope in its own file after all */
    if (queue_envfile(intd, env->s + QUEUE_HEAD_MAGICLEN, env->len - QUEUE_HEAD_MAGICLEN) < 0) return ENVFILE_CODE ;
    linked = 0 ;
  }
  if (!linked && rename(intd, todo) < 0) return QQ_TODO ;
  if (!linked && queue_syncdir(QUEUE_TODO) < 0)
  {
    /* not durable and the client will retry: withdraw it, as berth-queue does */
    unlink(todo) ;
    return QQ_WRITE ;
  }
  return QQ_OK ;
}

int smtpd_qd_finish (smtpd const *s, smtpd_qq *q)
{
  stralloc env = STRALLOC_ZERO ;
  int code = commit(s, q, &env) ;
  stralloc_free(&env) ;
  if (code) { smtpd_qd_abort(q) ; return code ; }
  q->direct = 0 ;
  queue_trigger() ;
  return QQ_OK ;
}
