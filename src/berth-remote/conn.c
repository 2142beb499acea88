/* ISC license. */
/* berth-remote: one TCP connection, non-blocking, every operation under a deadline. After
   STARTTLS the same calls talk cleartext over berth-tlsc's pipes (c->fd reads, c->wfd writes). */

#include <errno.h>
#include <string.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/socket.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <skalibs/unix-timed.h>
#include "remote.h"

int remote_conn_open (rconn *c, rcfg const *cfg, char const *ip, int is6, uint16_t port, int *timedout)
{
  tain deadline ;
  int fd = is6 ? socket_tcp6_nbcoe() : socket_tcp4_nbcoe() ;
  *timedout = 0 ;
  if (fd < 0) return 0 ;
  if (is6 ? cfg->have_out6 && socket_bind6(fd, cfg->out6, 0) < 0
          : cfg->have_out4 && socket_bind4(fd, cfg->out4, 0) < 0) goto err ;
  tain_now_g() ;
  tain_addsec_g(&deadline, cfg->timeoutconnect) ;
  if (!(is6 ? socket_deadlineconnstamp6_g(fd, ip, port, &deadline)
            : socket_deadlineconnstamp4_g(fd, ip, port, &deadline)))
  {
    if (errno == ETIMEDOUT) *timedout = 1 ;
    goto err ;
  }
  /* every write is a whole command, a pipelined batch or a large chunk of DATA: Nagle's
     algorithm would only hold the next one for the peer's delayed ACK (40 ms) */
  socket_tcpnodelay(fd) ;
  c->fd = c->wfd = fd ;
  c->tlspid = 0 ;
  c->reusable = 0 ;
  c->tlstext.len = 0 ;
  buffer_init(&c->in, &buffer_read, fd, c->rbuf, sizeof c->rbuf) ;
  c->lines.len = 0 ;
  return 1 ;
 err:
  {
    int e = errno ;
    fd_close(fd) ;
    errno = e ;
  }
  return 0 ;
}

/* every chunk written restarts the clock: a stalled peer costs secs, a slow one is fine */
int remote_conn_write (rconn *c, char const *s, size_t len, unsigned int secs)
{
  tain deadline ;
  tain_now_g() ;
  tain_addsec_g(&deadline, secs) ;
  while (len)
  {
    ssize_t w = fd_write(c->wfd, s, len) ;
    if (w > 0)
    {
      s += w ; len -= w ;
      tain_addsec_g(&deadline, secs) ;
      continue ;
    }
    if (w < 0 && !error_isagain(errno)) return 0 ;
    {
      iopause_fd x = { .fd = c->wfd, .events = IOPAUSE_WRITE } ;
      int r = iopause_g(&x, 1, &deadline) ;
      if (r < 0) return 0 ;
      if (!r) return (errno = ETIMEDOUT, 0) ;
      if (x.revents & IOPAUSE_EXCEPT && !(x.revents & IOPAUSE_WRITE)) return (errno = EPIPE, 0) ;
    }
  }
  return 1 ;
}

/* Reads one whole reply into c->lines (a NUL in a line becomes '?'). Returns its code, or 0
   (errno set) on a drop, a timeout, or a garbled reply. */
unsigned int remote_conn_reply (rconn *c, unsigned int secs)
{
  tain deadline ;
  unsigned int first = 0 ;
  c->lines.len = 0 ;
  tain_now_g() ;
  tain_addsec_g(&deadline, secs) ;
  for (unsigned int n = 0 ; n < REPLY_LINES_MAX ; n++)
  {
    char line[REPLY_LINE_MAX] ;
    size_t len = 0 ;
    unsigned int code ;
    int more ;
    ssize_t r = timed_getlnmax_g(&c->in, line, sizeof line, &len, '\n', &deadline) ;
    if (r < 0) return 0 ;
    if (!r) return (errno = EPIPE, 0) ;
    if (len && line[len-1] == '\n') len-- ;
    if (len && line[len-1] == '\r') len-- ;
    if (!smtpc_reply_line(line, len, &code, &more)) return (errno = EPROTO, 0) ;
    /* c->lines separates lines by NUL: a NUL inside a line would split it into two */
    for (size_t i = 0 ; i < len ; i++) if (!line[i]) line[i] = '?' ;
    if (!n) first = code ;
    else if (code != first) return (errno = EPROTO, 0) ;
    if (!stralloc_catb(&c->lines, line, len) || !stralloc_0(&c->lines)) return 0 ;
    if (!more) return code ;
  }
  return (errno = EPROTO, 0) ;
}

/* The reply's lines joined by spaces, control bytes replaced, capped. Appended to sa. */
int remote_conn_replytext (rconn *c, stralloc *sa)
{
  for (size_t i = 0 ; i < c->lines.len ; i++)
  {
    char ch = c->lines.s[i] ;
    if (!ch) { if (i + 1 == c->lines.len) break ; ch = ' ' ; }
    else if ((unsigned char)ch < 32 || ch == 127) ch = '?' ;
    if (!stralloc_catb(sa, &ch, 1)) return 0 ;
    if (sa->len >= REPORT_TEXT_MAX) break ;
  }
  return 1 ;
}

void remote_conn_close (rconn *c)
{
  if (c->tlspid) remote_tlsc_end(c) ;
  else if (c->fd >= 0) fd_close(c->fd) ;
  c->fd = c->wfd = -1 ;
  c->reusable = 0 ;
}
