/* ISC license. */
/* berth-queue: qmail-queue(8). Reads a message on fd 0 and an envelope on fd 1, commits both
   to the queue, exits 0 only once the commit is durable.
   Trust: any local user may run it (set-uid to the queue owner in multi-user mode); every input
   byte is untrusted, $BERTH_HOME is ignored when set-uid (qq_chdir.c), the caller's umask is
   replaced, and once the caller's uid is recorded the real uid becomes the queue owner's.
   doc/queue.md has the crash argument. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <sys/stat.h>
#include <berth/control.h>
#include <berth/date822.h>
#include <berth/dsn.h>
#include <berth/envelope.h>
#include <berth/qq.h>
#include <berth/queue.h>
#include "qq_chdir.h"

#define COPY_BUFSIZE 65536
#define DEADLINE_SECONDS 86400
#define QQ_ERRFD 6         /* qmail's error pipe: a custom text for exit 82 */
#define QUEUE_UMASK 027   /* files 0640: the queue's group reads mess/ (multi-user berth-rspawn) */

/* What must go if we give up before the commit. */
typedef struct cleanup_s cleanup, *cleanup_ref ;
struct cleanup_s
{
  char const *mess ;
  char const *intd ;
} ;

static void die (int code, cleanup const *c) gccattr_noreturn ;
static void die (int code, cleanup const *c)
{
  if (c->intd) unlink(c->intd) ;
  if (c->mess) unlink(c->mess) ;
  _exit(code) ;
}

static void on_alarm (int sig)
{
  (void)sig ;
  /* The leftovers are swept by berth-send after QUEUE_STALE_SECONDS: nothing is deliverable yet. */
  _exit(QQ_TIMEOUT) ;
}

static size_t cpy (char *s, char const *t)
{
  size_t n = strlen(t) ;
  memcpy(s, t, n) ;
  return n ;
}

static int is_uid_of (char const *file, uid_t uid)
{
  unsigned long u ;
  stralloc sa = STRALLOC_ZERO ;
  int r = control_readline(&sa, file, 0) ;
  r = r > 0 && ulong0_scan(sa.s, &u) && (uid_t)u == uid ;
  stralloc_free(&sa) ;
  return r ;
}

/* qmail's Received line: "(qmail PID invoked by uid N)", "from network", "for bounce", "by alias". */
static size_t received_fmt (char *s, pid_t pid, uid_t uid, time_t now)
{
  size_t n = 0 ;
  char const *how ;
  if (is_uid_of("control/uidsmtpd", uid)) how = "invoked from network" ;
  else if (is_uid_of("control/uidsend", uid)) how = "invoked for bounce" ;
  else if (is_uid_of("control/uidalias", uid)) how = "invoked by alias" ;
  else how = 0 ;
  n += cpy(s + n, "Received: (berth ") ;
  n += pid_fmt(s + n, pid) ;
  s[n++] = ' ' ;
  if (how) n += cpy(s + n, how) ;
  else
  {
    n += cpy(s + n, "invoked by uid ") ;
    n += uid_fmt(s + n, uid) ;
  }
  n += cpy(s + n, "); ") ;
  n += date822_fmt(s + n, now) ;
  s[n++] = '\n' ;
  return n ;
}

static int open_new (char const *path)
{
  return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640) ;
}

/* Copies fd 0 to fd after the Received line (the header is written later). 0 or an exit code. */
static int copy_message (int fd, char const *recv, size_t recvlen)
{
  char buf[COPY_BUFSIZE] ;
  if (lseek(fd, QUEUE_HEAD, SEEK_SET) < 0) return QQ_WRITE ;
  if (allwrite(fd, recv, recvlen) < recvlen) return QQ_WRITE ;
  for (;;)
  {
    ssize_t r = fd_read(0, buf, sizeof buf) ;
    if (r < 0) return QQ_READ ;
    if (!r) break ;
    if (allwrite(fd, buf, r) < (size_t)r) return QQ_WRITE ;
  }
  return 0 ;
}

/* Reads the envelope from fd 1, checking it, into the message file's header (head, QUEUE_HEAD
   bytes, *headlen used by the magic and the records) after the magic and the u/p records; one
   that does not fit with the seal goes whole to intd/<id> (fsynced), and the header gets an
   empty record list and no seal. Then queue_head_write ends the file: cut after the message,
   the header sealed (when it holds the envelope) and written whole. *linked says which. 0 or an
   exit code; over a limit of e, QQ_PERM_REFUSED. */
static int copy_envelope (int mfd, char const *id, char *head, size_t *headlen, char const *intdfn, cleanup *c, uid_t uid, pid_t pid, int *linked, envscan *e)
{
  char buf[COPY_BUFSIZE] ;
  size_t n = QUEUE_HEAD_MAGICLEN ;
  int done = 0, code = 0, fd = -1 ;
  memcpy(head, QUEUE_HEAD_MAGIC, QUEUE_HEAD_MAGICLEN) ;
  head[n++] = 'u' ; n += uid_fmt(head + n, uid) ; head[n++] = 0 ;
  head[n++] = 'p' ; n += pid_fmt(head + n, pid) ; head[n++] = 0 ;
  while (!done)
  {
    ssize_t used ;
    ssize_t r = fd_read(1, buf, sizeof buf) ;
    if (r <= 0) return QQ_READ ;   /* EOF before the final NUL included */
    used = envscan_feed(e, buf, r, &done, &code) ;
    if (used < 0) return code ;
    if (fd < 0 && n + used <= QUEUE_HEAD - QUEUE_SEAL_LEN) { memcpy(head + n, buf, used) ; n += used ; continue ; }
    if (fd < 0)
    {
      fd = open_new(intdfn) ;
      if (fd < 0) return errno == ENOSPC || errno == EDQUOT ? QQ_WRITE : QQ_INTD ;
      c->intd = intdfn ;
      if (allwrite(fd, head + QUEUE_HEAD_MAGICLEN, n - QUEUE_HEAD_MAGICLEN) < n - QUEUE_HEAD_MAGICLEN) { fd_close(fd) ; return QQ_WRITE ; }
      n = QUEUE_HEAD_MAGICLEN ;
      head[n++] = 0 ;
    }
    if (allwrite(fd, buf, used) < (size_t)used) { fd_close(fd) ; return QQ_WRITE ; }
  }
  *linked = fd < 0 ;
  *headlen = n ;
  if (fd >= 0 && (fd_sync(fd) < 0 || close(fd) < 0)) return QQ_WRITE ;
  return queue_head_write(mfd, id, head, n, *linked) < 0 ? QQ_WRITE : 0 ;
}

/* An envelope over a limit: permanent. The text goes on fd 6 with exit 82 (notqmail's custom
   reply) only when fd 6 is a pipe open for writing, as qmail's callers give it; anything else
   on fd 6 is not ours to write to, and qmail's plain permanent refusal (31) is the answer. */
static void die_over (envscan const *e, cleanup const *c) gccattr_noreturn ;
static void die_over (envscan const *e, cleanup const *c)
{
  struct stat st ;
  int fl = fcntl(QQ_ERRFD, F_GETFL) ;
  if (fl >= 0 && (fl & O_ACCMODE) != O_RDONLY && fstat(QQ_ERRFD, &st) == 0 && S_ISFIFO(st.st_mode))
  {
    char const *t = envscan_text(e) ;
    size_t n = strlen(t) ;
    if (allwrite(QQ_ERRFD, t, n) == n) die(QQ_CUSTOM, c) ;
  }
  die(QQ_PERM_REFUSED, c) ;
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
    size_t n = strlen(x) ;
    char todo[sizeof(QUEUE_TODO) + 1 + n] ;
    char state[sizeof(DSN_QUEUE_STATE) + 1 + n] ;
    char mess[sizeof(QUEUE_MESS) + 1 + n] ;
    char intd[sizeof(QUEUE_INTD) + 1 + n] ;
    memcpy(todo, QUEUE_TODO "/", sizeof(QUEUE_TODO)) ; memcpy(todo + sizeof(QUEUE_TODO), x, n + 1) ;
    memcpy(state, DSN_QUEUE_STATE "/", sizeof(DSN_QUEUE_STATE)) ; memcpy(state + sizeof(DSN_QUEUE_STATE), x, n + 1) ;
    memcpy(mess, QUEUE_MESS "/", sizeof(QUEUE_MESS)) ; memcpy(mess + sizeof(QUEUE_MESS), x, n + 1) ;
    memcpy(intd, QUEUE_INTD "/", sizeof(QUEUE_INTD)) ; memcpy(intd + sizeof(QUEUE_INTD), x, n + 1) ;
    /* Committed by an earlier run that may have died before its fsync of todo/: make it durable. */
    if (access(todo, F_OK) == 0) _exit(queue_syncdir(QUEUE_TODO) < 0 ? QQ_WRITE : QQ_OK) ;
    if (access(state, F_OK) == 0) _exit(queue_syncdir(DSN_QUEUE_STATE) < 0 ? QQ_WRITE : QQ_OK) ;
    /* Leftovers of a run killed before its commit (the caller serialises runs per id). */
    if (unlink(intd) < 0 && errno != ENOENT) _exit(QQ_INTD) ;
    if (unlink(mess) < 0 && errno != ENOENT) _exit(QQ_MESS) ;
    memcpy(id, x, n + 1) ;
  }
  return 1 ;
}

int main (void)
{
  char id[QUEUE_ID_MAX] ;
  char recv[128 + DATE822_FMT] ;
  char head[QUEUE_HEAD] ;
  size_t headlen = 0 ;
  cleanup c = { .mess = 0, .intd = 0 } ;
  envscan e = ENVSCAN_ZERO ;
  struct timespec ts ;
  uid_t uid = getuid() ;
  pid_t pid = getpid() ;
  size_t recvlen ;
  int fd, r, names, linked = 0 ;
  PROG = "berth-queue" ;

  sig_blocknone() ;   /* a mask inherited from the caller must not stop the deadline */
  if (!sig_catch(SIGALRM, &on_alarm)) _exit(QQ_BUG) ;
  alarm(DEADLINE_SECONDS) ;
  sig_ignore(SIGPIPE) ;
  umask(QUEUE_UMASK) ;
  if (qq_chdir() < 0) _exit(QQ_HOME) ;   /* first: it tells set-uid from the real uid */
  if (uid != geteuid() && setreuid(geteuid(), geteuid()) < 0) _exit(QQ_BUG) ;
  if (access(QUEUE_DIR, X_OK) < 0) _exit(QQ_QUEUE) ;
  if (envscan_limits(&e) < 0) _exit(QQ_CONFIG) ;

  clock_gettime(CLOCK_REALTIME, &ts) ;
  if (!fixed_id(id, uid))
    queue_id_fmt(id, (uint64_t)ts.tv_sec, (unsigned long)(ts.tv_nsec / 1000), (unsigned long)pid) ;
  recvlen = received_fmt(recv, pid, uid, ts.tv_sec) ;
  {
    size_t idlen = strlen(id) ;
    char messfn[sizeof(QUEUE_MESS) + 1 + idlen] ;
    char intdfn[sizeof(QUEUE_INTD) + 1 + idlen] ;
    char todofn[sizeof(QUEUE_TODO) + 1 + idlen] ;
    memcpy(messfn, QUEUE_MESS "/", sizeof(QUEUE_MESS)) ; memcpy(messfn + sizeof(QUEUE_MESS), id, idlen + 1) ;
    memcpy(intdfn, QUEUE_INTD "/", sizeof(QUEUE_INTD)) ; memcpy(intdfn + sizeof(QUEUE_INTD), id, idlen + 1) ;
    memcpy(todofn, QUEUE_TODO "/", sizeof(QUEUE_TODO)) ; memcpy(todofn + sizeof(QUEUE_TODO), id, idlen + 1) ;

    /* S1 -> S2: the message file. Not deliverable: nothing names it in todo/. */
    fd = queue_mess_create(messfn) ;
    if (fd < 0) die(errno == ENOSPC || errno == EDQUOT ? QQ_WRITE : QQ_MESS, &c) ;
    c.mess = messfn ;
    r = copy_message(fd, recv, recvlen) ;
    if (r) die(r, &c) ;

    /* S2 -> S3: the envelope in the header (or in intd/<id>, fsynced), then one fsync of the
       message file; on ext4 and xfs it made its name durable too (doc/queue.md), elsewhere
       the mess/ directory is fsynced. */
    r = copy_envelope(fd, id, head, &headlen, intdfn, &c, uid, pid, &linked, &e) ;
    if (r == QQ_PERM_REFUSED) die_over(&e, &c) ;
    if (r) die(r, &c) ;
    if (fd_sync(fd) < 0) die(QQ_WRITE, &c) ;
    names = queue_fsync_names(fd) ;
    if (close(fd) < 0) die(QQ_WRITE, &c) ;
    if (!names && queue_syncdir(QUEUE_MESS) < 0) die(QQ_WRITE, &c) ;

    /* S3 -> S4: the commit point is the fsync above for a sealed file, whose link into todo/
       berth-send makes again if a reboot loses it (doc/queue.md); for an envelope in its own
       file, the rename, made durable by the fsync of todo/. */
    if (linked && queue_link(messfn, todofn) < 0)
    {
      if (errno != EXDEV) die(QQ_TODO, &c) ;
      /* mess/ on another file system than todo/: the envelope in its own file after all */
      if (queue_envfile(intdfn, head + QUEUE_HEAD_MAGICLEN, headlen - QUEUE_HEAD_MAGICLEN) < 0)
        die(errno == ENOSPC || errno == EDQUOT ? QQ_WRITE : QQ_INTD, &c) ;
      c.intd = intdfn ;
      linked = 0 ;
    }
    if (!linked && rename(intdfn, todofn) < 0) die(QQ_TODO, &c) ;
    if (!linked && queue_syncdir(QUEUE_TODO) < 0)
    {
      /* Not durable and the caller will retry: withdraw it rather than risk a duplicate. */
      c.intd = todofn ;
      die(QQ_WRITE, &c) ;
    }
  }
  queue_trigger() ;
  {
    char const *x = getenv("BERTH_IDFD") ;
    unsigned int idfd ;
    if (x && uint0_scan(x, &idfd) && idfd > 2)
    {
      size_t n = strlen(id) ;
      id[n++] = '\n' ;
      if (allwrite(idfd, id, n) < n) {}
    }
  }
  _exit(QQ_OK) ;
}
