/* ISC license. */
/* berth-bounce: turns berth-send's records in queue/bounce/<id> into one delivery status
   notification and injects it as <id>B, exactly once. doc/berth-bounce.md has the crash argument.
   Trust: runs as the queue owner, called by berth-send; record texts are untrusted bytes. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/genalloc.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/control.h>
#include <berth/dsn.h>
#include <berth/envext.h>
#include <berth/home.h>
#include <berth/logfield.h>
#include <berth/qq.h>
#include <berth/queue.h>
#include <berth/stdopts.h>
#include "bounce.h"

#define USAGE "berth-bounce [ -d ] id sender arrival-seconds"
#define TRIPLE_SENDER "#@[]"
/* A killed run's queue child ends at once (its pipes are closed); only a stuck $QMAILQUEUE
   filter holds the lock longer: give up (temporarily) rather than block berth-send. */
#define LOCK_WAIT_MS 120000
#define LOCK_POLL_MS 50

typedef struct ctl_s ctl ;
struct ctl_s
{
  stralloc me, bouncefrom, bouncehost, dbto, dbhost, mode, rcpt ;
  unsigned long maxbytes ;
  int dbto_set ;
} ;
#define CTL_ZERO { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, 0, 0 }

static void readctl (stralloc *sa, char const *file, char const *dflt)
{
  if (control_readline(sa, file, dflt) < 0) strerr_diefu2sys(111, "read ", file) ;
}

static void readctls (ctl *c)
{
  if (control_readline(&c->me, "control/me", 0) <= 0) strerr_diefu1x(111, "read control/me") ;
  readctl(&c->bouncefrom, "control/bouncefrom", "MAILER-DAEMON") ;
  readctl(&c->bouncehost, "control/bouncehost", c->me.s) ;
  c->dbto_set = control_readline(&c->dbto, "control/doublebounceto", "postmaster") ;
  if (c->dbto_set < 0) strerr_diefu1sys(111, "read control/doublebounceto") ;
  readctl(&c->dbhost, "control/doublebouncehost", c->me.s) ;
  readctl(&c->mode, "control/bouncemode", "") ;
  if (control_readulong(&c->maxbytes, "control/bouncemaxbytes", BOUNCE_MAXBYTES_DEFAULT) <= 0)
    strerr_diefu1sys(111, "read control/bouncemaxbytes") ;
}

/* The records are dealt with: remove them, durably. */
/* A bounce's records are removed; a delay warning's are emptied: the empty file says "warned". */
static void finish_as (char const *bfile, int delayed)
{
  if (delayed)
  {
    int fd = open(bfile, O_WRONLY | O_TRUNC | O_CLOEXEC) ;
    if (fd < 0 || fd_sync(fd) < 0) strerr_diefu2sys(111, "empty ", bfile) ;
    fd_close(fd) ;
    return ;
  }
  if (unlink(bfile) < 0 && errno != ENOENT) strerr_diefu2sys(111, "remove ", bfile) ;
  if (queue_syncdir(DSN_QUEUE_BOUNCE) < 0) strerr_diefu2sys(111, "fsync ", DSN_QUEUE_BOUNCE) ;
}
#define finish(f) finish_as((f), x.delayed)

/* 1 if <id>B is already committed (made durable again here), else 0. */
static int committed (char const *qid)
{
  char const *dirs[2] = { QUEUE_TODO, DSN_QUEUE_STATE } ;
  stralloc sa = STRALLOC_ZERO ;
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    if (!queue_path_sa(&sa, dirs[i], qid)) strerr_diefu1sys(111, "make a path") ;
    if (access(sa.s, F_OK) == 0)
    {
      if (queue_syncdir(dirs[i]) < 0) strerr_diefu2sys(111, "fsync ", dirs[i]) ;
      stralloc_free(&sa) ;
      return 1 ;
    }
    if (errno != ENOENT) strerr_diefu2sys(111, "check ", sa.s) ;
  }
  stralloc_free(&sa) ;
  return 0 ;
}

/* 1 with the lock held, 0 (errno set) on an error or after LOCK_WAIT_MS. */
static int lock_wait (int fd)
{
  struct timespec poll = { .tv_sec = 0, .tv_nsec = LOCK_POLL_MS * 1000000L } ;
  for (unsigned int waited = 0 ; ; waited += LOCK_POLL_MS)
  {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return 1 ;
    if (!error_isagain(errno)) return 0 ;
    if (waited >= LOCK_WAIT_MS) return (errno = ETIMEDOUT, 0) ;
    nanosleep(&poll, 0) ;
  }
}

int main (int argc, char const *const *argv)
{
  stralloc bfile = STRALLOC_ZERO, qid = STRALLOC_ZERO, recs = STRALLOC_ZERO, tmp = STRALLOC_ZERO ;
  genalloc rcpts = GENALLOC_ZERO ;
  ctl c = CTL_ZERO ;
  bounce x = { .messfd = -1 } ;
  char num[UINT64_FMT] ;
  struct stat st ;
  uint64_t bytes = 0 ;
  int fd, n, code ;
  PROG = "berth-bounce" ;
  berth_stdopts(argc, argv, USAGE) ;

  if (argc == 5 && !strcmp(argv[1], "-d")) { x.delayed = 1 ; argc-- ; argv++ ; }
  if (argc != 4) strerr_dieusage(100, USAGE) ;
  x.id = argv[1] ; x.sender = argv[2] ;
  if (!dsn_queueid_ok(x.id, 0, DSN_ID_MAXB)) strerr_dief2x(100, "invalid queue id: ", x.id) ;
  if (!uint640_scan(argv[3], &x.arrival)) strerr_dief2x(100, "invalid arrival time: ", argv[3]) ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  sig_ignore(SIGPIPE) ;
  /* berth-queue honours BERTH_QUEUEID only for the queue's owner: without it, no exactly-once. */
  if (stat(QUEUE_DIR, &st) < 0) strerr_diefu2sys(111, "stat ", QUEUE_DIR) ;
  if (st.st_uid != getuid()) strerr_dief1x(100, "not running as the owner of the queue") ;
  if (!queue_path_sa(&bfile, x.delayed ? DSN_QUEUE_DELAY : DSN_QUEUE_BOUNCE, x.id)) strerr_diefu1sys(111, "make a path") ;
  if (!stralloc_copys(&qid, x.id) || !stralloc_catb(&qid, "B", 1) || !stralloc_0(&qid))
    strerr_diefu1sys(111, "make the bounce id") ;
  qid.s[qid.len - 2] = x.delayed ? DSN_ID_SUFFIX_DELAY : DSN_ID_SUFFIX ;

  /* One run per id at a time: the lock lives as long as this process or its queue child
     (which inherits the descriptor), so a rerun never races a half-dead injection. */
  fd = open(bfile.s, O_RDONLY) ;
  if (fd < 0)
  {
    if (errno != ENOENT) strerr_diefu2sys(111, "open ", bfile.s) ;
    strerr_warni3x("bounce id=", x.id, " status=none reason=no-records") ;
    _exit(0) ;
  }
  if (!lock_wait(fd)) strerr_diefu2sys(111, "lock ", bfile.s) ;
  if (fstat(fd, &st) < 0) strerr_diefu2sys(111, "stat ", bfile.s) ;
  if (!st.st_nlink)
  {
    strerr_warni3x("bounce id=", x.id, " status=none reason=done-by-a-concurrent-run") ;
    _exit(0) ;
  }
  if (x.delayed && (!st.st_size || !*x.sender || !strcmp(x.sender, TRIPLE_SENDER)))
  {
    /* already warned, or a bounce (never warned about): nothing to send */
    if (st.st_size) finish(bfile.s) ;
    strerr_warni3x("delay id=", x.id, " status=none reason=no-warning-to-send") ;
    _exit(0) ;
  }
  if (committed(qid.s))
  {
    finish(bfile.s) ;
    strerr_warni4x("bounce id=", x.id, " status=queued reason=already-queued qid=", qid.s) ;
    _exit(0) ;
  }
  if (!slurp(&recs, fd)) strerr_diefu2sys(111, "read ", bfile.s) ;
  n = dsn_records_parse(&rcpts, recs.s, recs.len) ;
  if (n < 0) strerr_diefu1sys(111, "parse records") ;
  if (!n) strerr_dief3x(100, "no records in ", bfile.s, ": left in place") ;
  x.recs = recs.s ; x.r = genalloc_s(dsn_rcpt, &rcpts) ; x.n = n ;
  num[uint_fmt(num, n)] = 0 ;

  if (!strcmp(x.sender, TRIPLE_SENDER))
  {
    finish(bfile.s) ;
    strerr_warni5x("bounce id=", x.id, " status=discarded reason=triple-bounce recipients=", num, " from=<#@[]>") ;
    _exit(0) ;
  }
  readctls(&c) ;
  if (!strncmp(c.mode.s, "qsbmf", 5))
  {
    x.n = bounce_failures_only(genalloc_s(dsn_rcpt, &rcpts), x.n) ;   /* qmail's format has no success reports */
    num[uint_fmt(num, x.n)] = 0 ;
    if (!x.n)
    {
      finish(bfile.s) ;
      strerr_warni3x("bounce id=", x.id, " status=none reason=no-success-reports-in-qsbmf") ;
      _exit(0) ;
    }
  }
  bounce_params(&x) ;
  if (!*x.sender)
  {
    if (c.dbto_set > 0 && !c.dbto.len)
    {
      finish(bfile.s) ;
      strerr_warni4x("bounce id=", x.id, " status=discarded reason=doublebounceto-empty recipients=", num) ;
      _exit(0) ;
    }
    if (!stralloc_copy(&c.rcpt, &c.dbto) || !stralloc_catb(&c.rcpt, "@", 1) || !stralloc_cat(&c.rcpt, &c.dbhost)
     || !stralloc_0(&c.rcpt)) strerr_diefu1sys(111, "make the recipient") ;
    x.dbl = 1 ; x.envsender = TRIPLE_SENDER ;
  }
  else
  {
    /* VERP and every other sender: the notification goes to the literal envelope sender. */
    if (!stralloc_copys(&c.rcpt, x.sender) || !stralloc_0(&c.rcpt)) strerr_diefu1sys(111, "make the recipient") ;
    x.envsender = "" ;
  }
  x.rcpt = c.rcpt.s ; x.me = c.me.s ; x.bouncehost = c.bouncehost.s ; x.from = c.bouncefrom.s ;
  x.maxbytes = c.maxbytes ; x.now = berth_clock_ms() / 1000 ;
  if (x.delayed && !strncmp(c.mode.s, "qsbmf", 5))
  {
    finish(bfile.s) ;   /* qmail has no delay warnings: none in its format either */
    strerr_warni3x("delay id=", x.id, " no warning in qsbmf mode") ;
    _exit(0) ;
  }

  if (!queue_path_sa(&tmp, QUEUE_MESS, x.id)) strerr_diefu1sys(111, "make a path") ;
  x.messfd = open(tmp.s, O_RDONLY | O_CLOEXEC) ;
  if (x.messfd < 0)
  {
    if (errno != ENOENT) strerr_diefu2sys(111, "open ", tmp.s) ;
    strerr_warnw3x("bounce id=", x.id, " original message missing: notification without it") ;
  }
  else
  {
    struct stat ms ;
    off_t start = queue_mess_seek(x.messfd) ;
    if (start < 0) strerr_diefu2sys(111, "read ", tmp.s) ;
    if (fstat(x.messfd, &ms) < 0) strerr_diefu2sys(111, "stat ", tmp.s) ;
    x.messstart = start ;
    x.messsize = ms.st_size > start ? ms.st_size - start : 0 ;
    /* a warning, a report of successes only (RFC 3461 4.3) and RET=HDRS carry the headers only */
    x.headersonly = x.delayed || x.nsuccess == x.n || x.ret == ENVEXT_RET_HDRS || x.messsize > x.maxbytes ;
  }
  if (!original_scan(&x)) strerr_diefu2sys(111, "read ", tmp.s) ;

  code = inject(&x, qid.s, !strncmp(c.mode.s, "qsbmf", 5), &bytes) ;
  if (code)
  {
    char const *t = qq_text(code) ;
    strerr_dief4x(t[0] == 'D' ? 100 : 111, "bounce id=", x.id, " not queued: ", t + 1) ;
  }
  finish(bfile.s) ;
  {
    char nb[UINT64_FMT] ;
    stralloc to = STRALLOC_ZERO, field = STRALLOC_ZERO ;
    nb[uint64_fmt(nb, bytes)] = 0 ;
    /* the recipient is a stranger's address: berth's log quoting rule (berth/logfield.h) */
    if (!stralloc_catb(&to, "<", 1) || !stralloc_cats(&to, x.rcpt) || !stralloc_catb(&to, ">", 1)
     || !logfield_cat(&field, "to", to.s, to.len) || !stralloc_0(&field)) strerr_diefu1sys(111, "build a log line") ;
    strerr_warni9x(x.delayed ? "delay id=" : "bounce id=", x.id, field.s, " recipients=", num, " bytes=", nb, " qid=", qid.s) ;
  }
  _exit(0) ;
}
