/* ISC license. */

/* The TLS engine loop: one iopause over 4 nonblocking fds, fd[0] cleartext from the app, fd[1]
   cleartext to the app, fd[2] ciphertext from the peer, fd[3] ciphertext to the peer. Each fd is
   polled only when the engine state allows it, so the loop never spins. The handshake has a
   deadline. App EOF is a half-close: peer data is still relayed until the app stops reading too,
   the peer closes, or a linger timeout; then we send close_notify and wait a bounded time for
   the peer's.
   Returns 0 on a clean end, -1 on a system error (errno), or a BearSSL/berthtls error code. */

#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <bearssl.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/error.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <berth/tls.h>

#define CLOSE_TIMEOUT_SECS 5
#define LINGER_TIMEOUT_SECS 10

enum { APPIN, APPOUT, NETIN, NETOUT, APPWATCH } ;

int berthtls_run (br_ssl_engine_context *eng, int const *fd, tain const *hsdeadline, berthtls_handshake_func *cb, void *data)
{
  tain deadline = *hsdeadline ;
  int handshaken = 0, appeof = 0, lingered = 0, closing = 0, shut = 0 ;
  int open[4] = { 1, 1, 1, 1 } ;
  for (;;)
  {
    iopause_fd x[5] ;
    int which[5] ;
    unsigned int n = 0 ;
    unsigned int st = br_ssl_engine_current_state(eng) ;
    int r ;
    if (st & BR_SSL_CLOSED) break ;
    if (!handshaken && (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP)))
    {
      handshaken = 1 ;
      if (cb && !(*cb)(eng, data)) return -1 ;
    }
    if (appeof && !closing && (lingered || !open[APPOUT]) && !(st & BR_SSL_RECVAPP))
    {  /* close_notify only once what the peer sent is delivered and the app stopped reading */
      br_ssl_engine_close(eng) ;
      closing = 1 ;
      tain_addsec_g(&deadline, CLOSE_TIMEOUT_SECS) ;
      continue ;
    }
    if (closing && !shut && !(st & BR_SSL_SENDREC))
    {  /* our close_notify is out: TCP half-close too, so that lazy peers see EOF */
      shutdown(fd[NETOUT], SHUT_WR) ;
      shut = 1 ;
    }
    if ((st & BR_SSL_RECVAPP) && !open[APPOUT])
    {  /* the app is gone: discard what the peer still sends */
      size_t len ;
      br_ssl_engine_recvapp_buf(eng, &len) ;
      br_ssl_engine_recvapp_ack(eng, len) ;
      continue ;
    }
    if (st & BR_SSL_SENDREC) { x[n].fd = fd[NETOUT] ; x[n].events = IOPAUSE_WRITE ; which[n++] = NETOUT ; }
    if ((st & BR_SSL_RECVREC) && open[NETIN]) { x[n].fd = fd[NETIN] ; x[n].events = IOPAUSE_READ ; which[n++] = NETIN ; }
    if (st & BR_SSL_RECVAPP) { x[n].fd = fd[APPOUT] ; x[n].events = IOPAUSE_WRITE ; which[n++] = APPOUT ; }
    if ((st & BR_SSL_SENDAPP) && open[APPIN]) { x[n].fd = fd[APPIN] ; x[n].events = IOPAUSE_READ ; which[n++] = APPIN ; }
    if (appeof && !closing && open[APPOUT] && !(st & BR_SSL_RECVAPP))
    {  /* half-closed app: notice when it stops reading too */
      x[n].fd = fd[APPOUT] ; x[n].events = 0 ; which[n++] = APPWATCH ;
    }
    if (!n)
    {
      if (closing) return 0 ;  /* after close_notify BearSSL drops late data: done */
      if (!open[NETIN]) return handshaken ? 0 : (errno = EPIPE, -1) ;
      return BERTHTLS_ERR_STALLED ;
    }
    r = iopause_g(x, n, handshaken && !closing && !appeof ? 0 : &deadline) ;
    if (r < 0) return -1 ;
    if (!r)
    {
      if (closing) return 0 ;
      if (!appeof) return (errno = ETIMEDOUT, -1) ;
      lingered = 1 ;
      continue ;
    }
    for (unsigned int i = 0 ; i < n ; i++)
    {
      unsigned char *buf ;
      size_t len ;
      ssize_t w ;
      if (!(x[i].revents & (x[i].events | IOPAUSE_EXCEPT))) continue ;
      switch (which[i])
      {
        case NETOUT :
          buf = br_ssl_engine_sendrec_buf(eng, &len) ;
          if (!buf || !len) break ;   /* an earlier fd in this round changed the engine state */
          w = fd_write(fd[NETOUT], (char *)buf, len) ;
          if (w > 0) br_ssl_engine_sendrec_ack(eng, w) ;
          else if (w < 0 && !error_isagain(errno)) return closing || !open[NETIN] ? 0 : -1 ;
          break ;
        case NETIN :
          buf = br_ssl_engine_recvrec_buf(eng, &len) ;
          if (!buf || !len) break ;   /* an earlier fd in this round changed the engine state */
          w = fd_read(fd[NETIN], (char *)buf, len) ;
          if (w > 0) br_ssl_engine_recvrec_ack(eng, w) ;
          else if (!w || !error_isagain(errno))
          {  /* peer EOF (or reset) without close_notify: stop reading the app too */
            if (w < 0 && !handshaken) return -1 ;
            open[NETIN] = 0 ;
            open[APPIN] = 0 ;
          }
          break ;
        case APPIN :
          buf = br_ssl_engine_sendapp_buf(eng, &len) ;
          if (!buf || !len) break ;   /* an earlier fd in this round changed the engine state */
          w = fd_read(fd[APPIN], (char *)buf, len) ;
          if (w > 0)
          {
            br_ssl_engine_sendapp_ack(eng, w) ;
            br_ssl_engine_flush(eng, 0) ;
          }
          else if (!w || !error_isagain(errno))
          {
            open[APPIN] = 0 ;
            appeof = 1 ;
            tain_addsec_g(&deadline, LINGER_TIMEOUT_SECS) ;
          }
          break ;
        case APPOUT :
          buf = br_ssl_engine_recvapp_buf(eng, &len) ;
          if (!buf || !len) break ;   /* an earlier fd in this round changed the engine state */
          w = fd_write(fd[APPOUT], (char *)buf, len) ;
          if (w > 0) br_ssl_engine_recvapp_ack(eng, w) ;
          else if (w < 0 && !error_isagain(errno))
          {
            open[APPOUT] = 0 ;
            if (!closing)
            {
              br_ssl_engine_close(eng) ;
              closing = 1 ;
              tain_addsec_g(&deadline, CLOSE_TIMEOUT_SECS) ;
            }
          }
          break ;
        case APPWATCH :
          open[APPOUT] = 0 ;
          break ;
      }
      break ;  /* the engine state changed: recompute the poll set */
    }
  }
  return br_ssl_engine_last_error(eng) ;
}
