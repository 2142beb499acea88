/* ISC license. */
/* The queue entry through berth-qwriter (berth/qwriter.h), for a multi-user instance, where
   berth-smtpd does not own the queue: the writer, running as the queue's owner, does for each
   message what the set-uid berth-queue would do for our uid, without a process per message.
   The session connects at its first message and keeps the connection. Used only when
   $BERTH_QWRITER names the socket and the message would go to berth-queue anyway: no
   $QMAILQUEUE, and neither BERTH_HOLD nor BERTH_QUEUEID, which berth-queue would read. When
   the socket is absent, refuses us, or fails before it took a message, the message goes to
   berth-queue as before (and so does the rest of the session): the writer's service being down
   loses nothing. Once it took one, its failure is that message's temporary failure.
   Trust: the writer is trusted as berth-queue is; its texts are still cut to printable ASCII. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/ancil.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/socket.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/qq.h>
#include <berth/qwriter.h>
#include <berth/smtpd.h>

#define START_TIMEOUT 10   /* seconds for the connection and the start's answer: else berth-queue */

char const *smtpd_qw_path (void)
{
  char const *x = getenv(QW_ENV) ;
  char const *qq = getenv("QMAILQUEUE") ;
  if (!x || !*x || (qq && *qq) || getenv("BERTH_HOLD") || getenv("BERTH_QUEUEID")) return 0 ;
  return x ;
}

static void hangup (int *fd)
{
  if (*fd >= 0) fd_close(*fd) ;
  *fd = -1 ;
}

/* The session's connection, made now if needed; 0: none, use berth-queue. */
static int conn (smtpd *s, tain const *deadline)
{
  int fd ;
  if (s->qwfd >= 0) return 1 ;
  fd = ipc_stream_nbcoe() ;
  if (fd < 0) return 0 ;
  if (!ipc_timed_connect_g(fd, s->qwpath, deadline) || ndelay_off(fd) < 0) { fd_close(fd) ; return 0 ; }
  s->qwfd = fd ;
  return 1 ;
}

/* The writer's one-byte answer to a start, by the deadline; 0: none (refused, gone, stuck). */
static int answer (int fd, char *c, tain const *deadline)
{
  iopause_fd x = { .fd = fd, .events = IOPAUSE_READ } ;
  if (iopause_g(&x, 1, deadline) <= 0) return 0 ;
  return fd_read(fd, c, 1) == 1 ;
}

int smtpd_qw_start (smtpd *s, smtpd_qq *q)
{
  tain deadline ;
  int p[2] ;
  char c ;
  if (!s->qwpath || s->qwdown) return 0 ;
  tain_now_g() ;
  tain_addsec_g(&deadline, START_TIMEOUT) ;
  if (!conn(s, &deadline)) { s->qwdown = 1 ; return 0 ; }
  if (pipe2(p, O_CLOEXEC) < 0) return 0 ;
  if (!ancil_send_fd(s->qwfd, p[0], QW_START) || !answer(s->qwfd, &c, &deadline))
  {
    /* refused (another uid, over its limit, a null client) or gone: nothing was taken */
    fd_close(p[0]) ; fd_close(p[1]) ;
    hangup(&s->qwfd) ;
    s->qwdown = 1 ;
    return 0 ;
  }
  fd_close(p[0]) ;
  q->writer = 1 ;
  q->wconn = &s->qwfd ;
  q->wcode = (unsigned char)c ;
  if (q->wcode) { fd_close(p[1]) ; q->msgfd = -1 ; hangup(&s->qwfd) ; }
  else q->msgfd = p[1] ;
  return 1 ;
}

/* The writer withdraws the message when the connection ends before its envelope. */
void smtpd_qw_abort (smtpd_qq *q)
{
  if (!q->writer) return ;
  if (q->msgfd >= 0) fd_close(q->msgfd) ;
  q->msgfd = -1 ;
  hangup(q->wconn) ;
  q->writer = 0 ;
}

/* n bytes of the writer's reply, printable ASCII, into s (size n + 1). */
static void text_copy (char *s, char const *t, size_t n)
{
  for (size_t i = 0 ; i < n ; i++) s[i] = (unsigned char)t[i] < 32 || (unsigned char)t[i] > 126 ? '?' : t[i] ;
  s[n] = 0 ;
}

/* The envelope, then the writer's reply. Returns a qmail-queue exit code; text gets the D/Z
   text for it (the writer's after QQ_CUSTOM), id the queue id after QQ_OK. */
int smtpd_qw_finish (smtpd const *s, smtpd_qq *q, char *text, char *id, size_t idmax)
{
  stralloc env = STRALLOC_ZERO ;
  char r[2 + QW_TEXT_MAX] ;
  int code ;
  int fd = *q->wconn ;
  id[0] = 0 ; text[0] = 0 ;
  if (q->msgfd >= 0) fd_close(q->msgfd) ;
  q->msgfd = -1 ;
  if (q->wcode) code = q->wcode ;
  else if (q->failed) { hangup(q->wconn) ; code = QQ_WRITE ; }   /* not whole: never committed */
  else if (!smtpd_envelope(s, &env)) { hangup(q->wconn) ; code = QQ_NOMEM ; }
  else if (allwrite(fd, env.s, env.len) < env.len || allread(fd, r, 2) < 2 || allread(fd, r + 2, (unsigned char)r[1]) < (unsigned char)r[1])
  {
    hangup(q->wconn) ;   /* the writer died with the message: as berth-queue killed */
    code = QQ_BUG ;
  }
  else
  {
    size_t n = (unsigned char)r[1] ;
    code = (unsigned char)r[0] ;
    if (!code) text_copy(id, r + 2, n < idmax ? n : idmax - 1) ;
    else if (code == QQ_CUSTOM && qq_custom_ok(r + 2, n)) text_copy(text, r + 2, n) ;
    if (code) hangup(q->wconn) ;   /* the writer ends the connection after a refusal */
  }
  stralloc_free(&env) ;
  if (code && !text[0])
  {
    char const *t = qq_text(code) ;
    memcpy(text, t, strlen(t) + 1) ;
  }
  q->writer = 0 ;
  return code ;
}
