/* ISC license. */
/* berth-qwriter: one connection (berth/qwriter.h's protocol), in a worker running as the
   queue's owner (workers.c). For each message it does what berth-queue does for a caller of the peer's uid,
   through the same libberth commit: qcommit_start with the Received line berth-queue writes for
   that uid (qq_invoked), the message copied from the peer's pipe, the envelope checked by
   envscan with berth-queue's limits, the seal, the fsyncs, the link into todo/, the trigger.
   Trust: the peer is untrusted, as any caller of berth-queue: it only ever gets a pipe to write
   into and one reply per message, never a queue file's descriptor (a kept one would outlive the
   commit: the header rewritten after the seal, or a pooled file reused for another message). */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/ancil.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <berth/qcommit.h>
#include <berth/qq.h>
#include <berth/qwriter.h>
#include "qwriter.h"

#define COPY_BUFSIZE 65536
#define DEADLINE_SECONDS 86400   /* one message, as berth-queue's own deadline */

int qw_recv_fd (int sock, char tag, tain const *deadline)
{
  for (;;)
  {
    iopause_fd x = { .fd = sock, .events = IOPAUSE_READ } ;
    int r, fd = ancil_recv_fd(sock, tag) ;
    if (fd >= 0) return fd ;
    if (errno == EPIPE) return -1 ;
    if (errno != EAGAIN && errno != EWOULDBLOCK) { strerr_warnwu1sys("receive a descriptor") ; return -1 ; }
    r = iopause_g(&x, 1, deadline) ;
    if (r < 0) strerr_diefu1sys(111, "iopause") ;
    if (!r) return -1 ;
  }
}

static int reply (int sock, int code, char const *text)
{
  char buf[2 + QW_TEXT_MAX] ;
  size_t n = text ? strnlen(text, QW_TEXT_MAX) : 0 ;
  buf[0] = (unsigned char)code ; buf[1] = (unsigned char)n ;
  if (n) memcpy(buf + 2, text, n) ;
  return allwrite(sock, buf, n + 2) == n + 2 ;
}

/* The envelope from the socket into the commit, up to its final NUL; a byte after it is a
   protocol error, as is the peer's end before it (the message is withdrawn either way). 0, an
   exit code (the commit withdrawn), or -1: the connection is over. */
static int copy_envelope (int sock, qcommit *q)
{
  char buf[COPY_BUFSIZE] ;
  while (!q->envdone)
  {
    size_t used ;
    int code ;
    ssize_t r = fd_read(sock, buf, sizeof buf) ;
    if (r <= 0) return -1 ;
    code = qcommit_env(q, buf, r, &used) ;
    if (code) return code ;
    if (used < (size_t)r) return -1 ;
  }
  return 0 ;
}

/* One message. 1: committed, its id sent; 0: refused or withdrawn, the connection is over (a
   refusal's reply sent first; an envelope refused midway leaves bytes nobody reads), or the
   reply could not be sent. */
static int message (int sock, int pfd, uid_t uid, char const *how, envscan const *lim, qcommit_names *names)
{
  qcommit q = QCOMMIT_ZERO ;
  char code = (char)qcommit_start(&q, 0, uid, how) ;
  if (lim) qcommit_limits_set(&q, lim->maxrcpt, lim->maxbytes) ;
  int r, e ;
  if (allwrite(sock, &code, 1) < 1 || code) { qcommit_abort(&q) ; fd_close(pfd) ; return 0 ; }
  r = qcommit_copy(&q, pfd) ;
  fd_close(pfd) ;   /* a peer still writing gets EPIPE and withdraws */
  e = copy_envelope(sock, &q) ;
  if (e < 0) { qcommit_abort(&q) ; return 0 ; }
  if (!r) r = e ;
  if (!r) r = qcommit_finish(&q, names) ;
  else qcommit_abort(&q) ;
  if (r == QQ_PERM_REFUSED) { reply(sock, QQ_CUSTOM, envscan_text(&q.e)) ; return 0 ; }
  if (!reply(sock, r, r ? 0 : q.id)) return 0 ;
  return !r ;
}

void qw_serve (int sock, uid_t uid)
{
  qcommit_names names = QCOMMIT_NAMES_ZERO ;
  char const *how = qq_invoked(uid) ;   /* per connection: control/uid* change only with berth-setup */
  envscan lim = ENVSCAN_ZERO ;   /* the envelope limits once per connection (an SMTP session); */
  int limok = envscan_limits(&lim) == 0 ;   /* unreadable: each message reads them, and fails */
  for (;;)
  {
    int pfd = qw_recv_fd(sock, QW_START, 0) ;
    if (pfd < 0) break ;
    alarm(DEADLINE_SECONDS) ;
    if (!message(sock, pfd, uid, how, limok ? &lim : 0, &names)) break ;
    alarm(0) ;
  }
  alarm(0) ;
  fd_close(sock) ;
}
