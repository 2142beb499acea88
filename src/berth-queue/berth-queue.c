/* ISC license. */
/* berth-queue: qmail-queue(8). Reads a message on fd 0 and an envelope on fd 1, commits both
   to the queue, exits 0 only once the commit is durable.
   Trust: any local user may run it (set-uid to the queue owner in multi-user mode); every input
   byte is untrusted, $BERTH_HOME is ignored when set-uid (libberth/berth_home_chdir.c), the caller's umask is
   replaced, and once the caller's uid is recorded the real uid becomes the queue owner's.
   On a null client (the instance has control/qmqpservers) it execs berth-qmqpc instead, with
   the caller's own ids (qq_qmqp.c).
   doc/queue.md has the crash argument. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <sys/stat.h>
#include <berth/dsn.h>
#include <berth/envelope.h>
#include <berth/home.h>
#include <berth/qcommit.h>
#include <berth/qq.h>
#include <berth/qtool.h>
#include <berth/queue.h>
#include <berth/stdopts.h>
#include "qq_qmqp.h"

#define SYNOPSIS "berth-queue < message 1< envelope"

#define COPY_BUFSIZE 65536
#define DEADLINE_SECONDS 86400
#define QQ_ERRFD 6         /* qmail's error pipe: a custom text for exit 82 */
#define HOLD_TEXT_MAX 1000   /* bytes of a quarantine's reason kept in hold/<id> */
#define QUEUE_UMASK 027   /* files 0640: the queue's group reads mess/ (multi-user berth-rspawn) */

static void die (int code, qcommit *q) gccattr_noreturn ;
static void die (int code, qcommit *q)
{
  qcommit_abort(q) ;
  _exit(code) ;
}

static void on_alarm (int sig)
{
  (void)sig ;
  /* The leftovers are swept by berth-send after QUEUE_STALE_SECONDS: nothing is deliverable yet. */
  _exit(QQ_TIMEOUT) ;
}

/* Reads the envelope from fd 1 into the commit, up to its final NUL. 0 or an exit code (the
   commit already withdrawn when it comes from qcommit_env). */
static int copy_envelope (qcommit *q)
{
  char buf[COPY_BUFSIZE] ;
  while (!q->envdone)
  {
    size_t used ;
    int code ;
    ssize_t r = fd_read(1, buf, sizeof buf) ;
    if (r <= 0) return QQ_READ ;   /* EOF before the final NUL included */
    code = qcommit_env(q, buf, r, &used) ;
    if (code) return code ;
  }
  return 0 ;
}

/* An envelope over a limit: permanent. The text goes on fd 6 with exit 82 (notqmail's custom
   reply) only when fd 6 is a pipe open for writing, as qmail's callers give it; anything else
   on fd 6 is not ours to write to, and qmail's plain permanent refusal (31) is the answer. */
static void die_over (qcommit *q) gccattr_noreturn ;
static void die_over (qcommit *q)
{
  if (qq_errpipe(QQ_ERRFD))
  {
    char const *t = envscan_text(&q->e) ;
    size_t n = strlen(t) ;
    if (allwrite(QQ_ERRFD, t, n) == n) die(QQ_CUSTOM, q) ;
  }
  die(QQ_PERM_REFUSED, q) ;
}

/* $BERTH_QUEUEID (berth-bounce's <id>B): only for the queue's owner, only a bounce's id.
   Returns 1 to use it, 0 to make an id, and exits 0 when that id is already committed. */
static int fixed_id (char *id, uid_t uid)
{
  struct stat st ;
  char const *x = getenv("BERTH_QUEUEID") ;
  if (!x || !dsn_queueid_ok(x, 1, DSN_ID_MAXB)) return 0 ;
  if (stat(QUEUE_DIR, &st) < 0 || st.st_uid != uid) return 0 ;
  {
    char fn[QUEUE_PATH_MAX] ;
    /* Committed by an earlier run that may have died before its fsync of todo/: make it durable. */
    queue_path(fn, QUEUE_TODO, x) ;
    if (access(fn, F_OK) == 0) _exit(queue_syncdir(QUEUE_TODO) < 0 ? QQ_WRITE : QQ_OK) ;
    queue_path(fn, DSN_QUEUE_STATE, x) ;
    if (access(fn, F_OK) == 0) _exit(queue_syncdir(DSN_QUEUE_STATE) < 0 ? QQ_WRITE : QQ_OK) ;
    /* Leftovers of a run killed before its commit (the caller serialises runs per id). */
    queue_path(fn, QUEUE_INTD, x) ;
    if (unlink(fn) < 0 && errno != ENOENT) _exit(QQ_INTD) ;
    queue_path(fn, QUEUE_MESS, x) ;
    if (unlink(fn) < 0 && errno != ENOENT) _exit(QQ_MESS) ;
    memcpy(id, x, strlen(x) + 1) ;
  }
  return 1 ;
}

/* $BERTH_HOLD (berth-milter's quarantine): hold/<id> holding the reason, fsynced with its
   directory before the commit, so berth-send never dispatches the message before it is held.
   Any caller may hold its own message; the text is cut to one line of printable ASCII. A crash
   before the commit leaves a hold/<id> that names no message: nothing reads it. 0 or an exit code. */
static int hold (char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  char t[HOLD_TEXT_MAX + 1] ;
  char const *x = getenv("BERTH_HOLD") ;
  size_t n = 0 ;
  int fd ;
  if (!x) return 0 ;
  for (; n < HOLD_TEXT_MAX && x[n] ; n++) t[n] = (unsigned char)x[n] < 32 || (unsigned char)x[n] > 126 ? '?' : x[n] ;
  t[n++] = '\n' ;
  queue_path(fn, QUEUE_HOLD, id) ;
  fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) ;
  if (fd < 0) return QQ_QUEUE ;
  if (allwrite(fd, t, n) < n || fsync(fd) < 0) { fd_close(fd) ; unlink(fn) ; return QQ_WRITE ; }
  fd_close(fd) ;
  return queue_syncdir(QUEUE_HOLD) < 0 ? QQ_WRITE : 0 ;
}

int main (int argc, char const *const *argv)
{
  char fixed[QUEUE_ID_MAX] ;
  qcommit q = QCOMMIT_ZERO ;
  qcommit_names names = QCOMMIT_NAMES_ZERO ;
  uid_t uid = getuid() ;
  int r ;
  PROG = "berth-queue" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;   /* --help, --version as argv[1] only: qmail-queue takes no arguments */

  sig_blocknone() ;   /* a mask inherited from the caller must not stop the deadline */
  if (!sig_catch(SIGALRM, &on_alarm)) _exit(QQ_BUG) ;
  alarm(DEADLINE_SECONDS) ;
  sig_ignore(SIGPIPE) ;
  umask(QUEUE_UMASK) ;
  if (berth_home_chdir() < 0) _exit(QQ_HOME) ;   /* first: it tells set-uid from the real uid */
  r = qq_qmqp(uid, getgid()) ;   /* a null client: berth-qmqpc takes over, as the caller */
  if (r) _exit(r) ;
  if (uid != geteuid() && setreuid(geteuid(), geteuid()) < 0) _exit(QQ_BUG) ;
  if (access(QUEUE_DIR, X_OK) < 0) _exit(QQ_QUEUE) ;
  if (qcommit_limits(&q)) _exit(QQ_CONFIG) ;

  /* S1 -> S2: the message file (qcommit_start). Not deliverable: nothing names it in todo/. */
  r = qcommit_start(&q, fixed_id(fixed, uid) ? fixed : 0, uid, qq_invoked(uid)) ;
  if (r) _exit(r) ;
  r = qcommit_copy(&q, 0) ;
  if (r) die(r, &q) ;

  /* S2 -> S3 -> S4: the envelope, then the commit (qcommit_finish, doc/queue.md's crash argument). */
  r = copy_envelope(&q) ;
  if (r == QQ_PERM_REFUSED) die_over(&q) ;
  if (!r) r = hold(q.id) ;
  if (r) die(r, &q) ;
  r = qcommit_finish(&q, &names) ;
  if (r) _exit(r) ;
  {
    char const *x = getenv("BERTH_IDFD") ;
    unsigned int idfd ;
    if (x && uint0_scan(x, &idfd) && idfd > 2)
    {
      size_t n = strlen(q.id) ;
      q.id[n++] = '\n' ;
      if (allwrite(idfd, q.id, n) < n) {}
    }
  }
  _exit(QQ_OK) ;
}
