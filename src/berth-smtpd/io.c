/* ISC license. */
/* berth-smtpd's network I/O: nonblocking reads bounded by the command timeout and the session
   deadline; replies buffered and flushed only when no input is pending (RFC 2920).
   Trust: input bytes are the peer's; a line is never kept beyond SMTPD_CMDLINE_MAX bytes. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/tai.h>
#include <skalibs/unix-timed.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

void smtpd_io_init (smtpd *s)
{
  s->infd = 0 ;
  s->outfd = 1 ;
  buffer_init(&s->in, &buffer_read, s->infd, s->inbuf, sizeof s->inbuf) ;
  buffer_init(&s->out, &buffer_write, s->outfd, s->outbuf, sizeof s->outbuf) ;
  ndelay_on(s->infd) ;
  ndelay_on(s->outfd) ;
}

static void deadline_cmd (smtpd const *s, tain *d)
{
  tain_add_g(d, &s->cmdtimeout) ;
  if (tain_less(&s->sessionend, d)) *d = s->sessionend ;
}

void smtpd_flush (smtpd *s)
{
  tain d ;
  tain_now_g() ;
  deadline_cmd(s, &d) ;
  if (!buffer_timed_flush_g(&s->out, &d))
    smtpd_exit(s, errno == ETIMEDOUT ? "write-timeout" : "write-error") ;
}

void smtpd_put (smtpd *s, char const *x, size_t len)
{
  while (len)
  {
    size_t n = buffer_available(&s->out) ;
    if (!n) { smtpd_flush(s) ; continue ; }
    if (n > len) n = len ;
    buffer_putnoflush(&s->out, x, n) ;
    x += n ; len -= n ;
  }
}

void smtpd_puts (smtpd *s, char const *x)
{
  smtpd_put(s, x, strlen(x)) ;
}

void smtpd_reply (smtpd *s, char const *r)
{
  if (r[0] == '5') s->errors++ ;
  smtpd_puts(s, r) ;
  smtpd_put(s, "\r\n", 2) ;
}

void smtpd_exit (smtpd *s, char const *reason)
{
  tain d ;
  int flushed ;
  /* a message being written in process is not left in mess/ for the 36-hour sweep */
  if (s->qd && s->qd->direct) smtpd_qd_abort(s->qd) ;
  tain_now_g() ;
  tain_addsec_g(&d, 5) ;
  flushed = buffer_timed_flush_g(&s->out, &d) ;
  smtpd_log_session(s, reason) ;
  smtpd_reuse_end(s, reason, flushed) ;   /* berth-listen -m: back to it after a clean end */
  _exit(0) ;
}

void smtpd_drop (smtpd *s, char const *reply, char const *reason)
{
  smtpd_reply(s, reply) ;
  smtpd_exit(s, reason) ;
}

int smtpd_fill (smtpd *s)
{
  for (;;)
  {
    iopause_fd x = { .fd = s->infd, .events = IOPAUSE_READ } ;
    tain d ;
    ssize_t r ;
    if (buffer_len(&s->out)) smtpd_flush(s) ;
    tain_now_g() ;
    /* checked before polling: a peer that keeps talking must not outlive the session bound */
    if (!tain_less(&STAMP, &s->sessionend)) smtpd_drop(s, RP_SESSION_TIME, "session-time") ;
    deadline_cmd(s, &d) ;
    r = iopause_g(&x, 1, &d) ;
    if (r < 0) smtpd_exit(s, "iopause-error") ;
    if (!r)
    {
      if (!tain_less(&STAMP, &s->sessionend)) smtpd_drop(s, RP_SESSION_TIME, "session-time") ;
      smtpd_drop(s, RP_TIMEOUT, "timeout") ;
    }
    r = buffer_fill(&s->in) ;
    if (r > 0) return 1 ;
    if (!r) smtpd_exit(s, "eof") ;
    if (!error_isagain(errno) && errno != EINTR) smtpd_exit(s, "read-error") ;
  }
}
