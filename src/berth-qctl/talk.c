/* ISC license. */
/* berth-qctl <-> berth-send: one command line into queue/lock/ctl, one reply line from our own
   fifo queue/lock/qctl.<pid> (mode 0600, given to the queue owner when we run as root).
   Trust: berth-send (the queue owner) for the replies; the fifo is ours and removed on exit. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/qtool.h>
#include "qctl.h"

void talk_close (talk *t)
{
  if (t->path[0]) unlink(t->path) ;
  t->path[0] = 0 ;
}

void talk_die (talk *t, int e, char const *s1, char const *s2)
{
  int err = errno ;
  talk_close(t) ;
  errno = err ;
  if (err) strerr_diefu2sys(e, s1, s2) ;
  strerr_dief2x(e, s1, s2) ;
}

void talk_open (talk *t)
{
  struct stat st ;
  size_t n ;
  t->path[0] = 0 ;
  t->cfd = open(QUEUE_CTL, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (t->cfd < 0)
  {
    if (errno == ENXIO) strerr_dief1x(111, "berth-send is not running (nobody reads " QUEUE_CTL "): nothing done") ;
    if (errno == ENOENT) strerr_dief1x(111, QUEUE_CTL " is missing: start berth-send (or re-run berth-setup)") ;
    strerr_diefu2sys(111, "open ", QUEUE_CTL) ;
  }
  n = sizeof(QTOOL_REPLY_PREFIX) - 1 ;
  memcpy(t->name, QTOOL_REPLY_PREFIX, n) ;
  t->name[n + uint_fmt(t->name + n, getpid())] = 0 ;
  memcpy(t->path, QUEUE_CTL_REPLYDIR, sizeof(QUEUE_CTL_REPLYDIR) - 1) ;
  strcpy(t->path + sizeof(QUEUE_CTL_REPLYDIR) - 1, t->name) ;
  unlink(t->path) ;
  if (mkfifo(t->path, 0600) < 0) { t->path[0] = 0 ; strerr_diefu2sys(111, "mkfifo ", QUEUE_CTL_REPLYDIR QTOOL_REPLY_PREFIX "<pid>") ; }
  if (!geteuid())
  {
    if (stat(QUEUE_DIR, &st) < 0) talk_die(t, 111, "stat ", QUEUE_DIR) ;
    if (chown(t->path, st.st_uid, st.st_gid) < 0) talk_die(t, 111, "chown ", t->path) ;
  }
  t->rfd = open(t->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (t->rfd < 0) talk_die(t, 111, "open ", t->path) ;
  /* our own writer: the fifo never reports hangup between replies */
  if (open(t->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0) talk_die(t, 111, "open ", t->path) ;
}

size_t talk_one (talk *t, char const *verb, char const *id, unsigned int secs)
{
  tain deadline ;
  char line[QTOOL_LINE_MAX] ;
  size_t n = 0, len ;
  len = strlen(verb) + strlen(id) + strlen(t->name) + 3 ;
  if (len > sizeof line) { errno = 0 ; talk_die(t, 100, "id too long: ", id) ; }
  strcpy(line, verb) ; strcat(line, " ") ; strcat(line, id) ; strcat(line, " ") ; strcat(line, t->name) ; strcat(line, "\n") ;
  tain_now_g() ;
  tain_addsec_g(&deadline, secs) ;
  for (;;)   /* a line shorter than PIPE_BUF is written whole or not at all */
  {
    ssize_t w = fd_write(t->cfd, line, len) ;
    if (w == (ssize_t)len) break ;
    if (w >= 0 || !error_isagain(errno))
    {
      if (errno == EPIPE) { errno = 0 ; talk_die(t, 111, "berth-send went away", "") ; }
      talk_die(t, 111, "write to ", QUEUE_CTL) ;
    }
    {
      iopause_fd x = { .fd = t->cfd, .events = IOPAUSE_WRITE } ;
      if (iopause_g(&x, 1, &deadline) <= 0) return 0 ;
    }
  }
  t->in.len = 0 ;
  for (;;)
  {
    iopause_fd x = { .fd = t->rfd, .events = IOPAUSE_READ } ;
    char *nl ;
    int r = iopause_g(&x, 1, &deadline) ;
    if (r < 0) talk_die(t, 111, "iopause", "") ;
    if (!r) return 0 ;
    if (!stralloc_readyplus(&t->in, QTOOL_LINE_MAX)) talk_die(t, 111, "allocate", "") ;
    {
      ssize_t k = fd_read(t->rfd, t->in.s + t->in.len, QTOOL_LINE_MAX) ;
      if (k < 0 && !error_isagain(errno)) talk_die(t, 111, "read ", t->path) ;
      if (k > 0) t->in.len += k ;
    }
    nl = memchr(t->in.s, '\n', t->in.len) ;
    if (nl)
    {
      *nl = 0 ;
      for (n = 0 ; t->in.s[n] && t->in.s[n] != ' ' ; n++) ;
      return n ? n : 1 ;
    }
  }
}
