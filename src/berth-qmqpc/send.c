/* ISC license. */
/* One QMQP server tried: connect within QMQPC_CONNECT_TIMEOUT, send the request in pieces, each
   within QMQPC_IO_TIMEOUT, read the answer netstring. A server that fails before the request's
   last byte left cannot have queued it (a QMQP server answers only a whole request), so the
   caller may try the next one; once the request is out, no answer is QQ_CONN_FAILED and the
   caller stops, as qmail-qmqpc does (the message may be queued there). Trust: the server's
   answer is bounded (QMQPC_ANSWER_MAX kept) and checked by the caller. */

#include <errno.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <skalibs/unix-timed.h>
#include <berth/nsin.h>
#include <berth/qq.h>
#include "qmqpc.h"

#define QMQPC_CHUNK 65536
#define QMQPC_ANSWER_MAX 1000

static void deadline (tain *d, int secs)
{
  tain_now_g() ;
  tain_addsec_g(d, secs) ;
}

static int put (buffer *b, char const *s, size_t len)
{
  while (len)
  {
    tain d ;
    size_t n = len < QMQPC_CHUNK ? len : QMQPC_CHUNK ;
    deadline(&d, QMQPC_IO_TIMEOUT) ;
    if (buffer_timed_put_g(b, s, n, &d) < n) return 0 ;
    s += n ; len -= n ;
  }
  return 1 ;
}

static int answer (int fd, stralloc *ans)
{
  char buf[BUFFER_INSIZE_SMALL] ;
  buffer b = BUFFER_INIT(&buffer_read, fd, buf, sizeof buf) ;
  size_t len, keep ;
  tain d ;
  deadline(&d, QMQPC_IO_TIMEOUT) ;
  if (nsin_len(&b, &len, &d) <= 0) return QQ_CONN_FAILED ;
  keep = len < QMQPC_ANSWER_MAX ? len : QMQPC_ANSWER_MAX ;
  if (!stralloc_ready(ans, keep)) return QQ_NOMEM ;
  deadline(&d, QMQPC_IO_TIMEOUT) ;
  if (nsin_get(&b, ans->s, keep, &d) < 0 || nsin_get(&b, 0, len - keep, &d) < 0 || nsin_comma(&b, &d) < 0)
    return QQ_CONN_FAILED ;
  ans->len = keep ;
  return 0 ;
}

int qmqpc_send (qmqpc_server const *srv, stralloc const *head, stralloc const *msg, stralloc const *tail, stralloc *ans, int *sent)
{
  char buf[BUFFER_OUTSIZE] ;
  buffer b ;
  tain d ;
  int r ;
  int fd ;
  *sent = 0 ;
  fd = socket_tcp46_nbcoe(ip46_is6(&srv->ip)) ;
  if (fd < 0) return QQ_NETWORK ;
  deadline(&d, QMQPC_CONNECT_TIMEOUT) ;
  if (!socket_deadlineconnstamp46_g(fd, &srv->ip, srv->port, &d))
  {
    r = errno == ETIMEDOUT ? QQ_CONN_TIMEOUT : QQ_CONN_REJECTED ;
    fd_close(fd) ;
    return r ;
  }
  buffer_init(&b, &buffer_write, fd, buf, sizeof buf) ;
  deadline(&d, QMQPC_IO_TIMEOUT) ;
  if (!put(&b, head->s, head->len) || !put(&b, msg->s, msg->len) || !put(&b, tail->s, tail->len)
   || !buffer_timed_flush_g(&b, &d))
  {
    fd_close(fd) ;
    return QQ_CONN_FAILED ;   /* the request's end (its comma) never left */
  }
  *sent = 1 ;
  r = answer(fd, ans) ;
  fd_close(fd) ;
  return r ;
}
