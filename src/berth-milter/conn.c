/* ISC license. */
/* The socket to one milter: connect within the line's connect timeout, packets (a 32-bit
   big-endian length, the code, the data) written and read each within a deadline. Trust: the
   milter's packets are untrusted: a length of 0 or over MILTER_PACKET_MAX is garbage, and the
   caller checks every packet with milter_reply_scan. */

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/socket.h>
#include <skalibs/uint32.h>
#include <skalibs/unix-timed.h>
#include <berth/milter.h>
#include "bm.h"

static void deadline (tain *d, unsigned int secs)
{
  tain_now_g() ;
  tain_addsec_g(d, secs) ;
}

int bm_connect (bm_conn *c, bm_conf const *conf)
{
  tain d ;
  int ok ;
  c->conf = conf ;
  c->fd = conf->isunix ? ipc_stream_nbcoe() : socket_tcp46_nbcoe(ip46_is6(&conf->ip)) ;
  if (c->fd < 0) return 0 ;
  deadline(&d, conf->tconnect) ;
  ok = conf->isunix ? ipc_timed_connect_g(c->fd, conf->path, &d)
    : socket_deadlineconnstamp46_g(c->fd, &conf->ip, conf->port, &d) ;
  if (!ok) { fd_close(c->fd) ; c->fd = -1 ; return 0 ; }
  /* a step is a few small packets, then a wait for the answer: no Nagle delay on them */
  if (!conf->isunix) socket_tcpnodelay(c->fd) ;
  return 1 ;
}

/* writes all of s within the deadline */
static int put (int fd, char const *s, size_t len, tain const *d)
{
  while (len)
  {
    ssize_t r = fd_write(fd, s, len) ;
    if (r > 0) { s += r ; len -= r ; continue ; }
    if (r < 0 && !error_isagain(errno)) return 0 ;
    {
      iopause_fd x = { .fd = fd, .events = IOPAUSE_WRITE } ;
      int p = iopause_g(&x, 1, d) ;
      if (p <= 0) return 0 ;
    }
  }
  return 1 ;
}

/* The milter's changes come as many small packets, often one write each: with Nagle on its
   side, its second write waits for our ACK, which Linux would delay (40 ms) while we only read.
   Quick ACKs, asked again before each read (the kernel drops the mode by itself). */
static void quickack (int fd, int tcp)
{
#ifdef TCP_QUICKACK
  int one = 1 ;
  if (tcp) setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one) ;
#else
  (void)fd ; (void)tcp ;
#endif
}

static int get (int fd, int tcp, char *s, size_t len, tain const *d)
{
  while (len)
  {
    quickack(fd, tcp) ;
    ssize_t r = fd_read(fd, s, len) ;
    if (r > 0) { s += r ; len -= r ; continue ; }
    if (!r || !error_isagain(errno)) return 0 ;
    {
      iopause_fd x = { .fd = fd, .events = IOPAUSE_READ } ;
      int p = iopause_g(&x, 1, d) ;
      if (p <= 0) return 0 ;
    }
  }
  return 1 ;
}

int bm_queuev (bm_conn *c, char cmd, char const *const *v, size_t const *len, unsigned int n)
{
  size_t total = 1 ;
  unsigned int i = 0 ;
  char head[5] ;
  for (; i < n ; i++) total += len[i] ;
  if (total > 0xffffffffU) return 0 ;
  uint32_pack_big(head, (uint32_t)total) ;
  head[4] = cmd ;
  if (!stralloc_catb(&c->out, head, 5)) return 0 ;
  for (i = 0 ; i < n ; i++) if (!stralloc_catb(&c->out, v[i], len[i])) return 0 ;
  return 1 ;
}

int bm_sendv (bm_conn *c, char cmd, char const *const *v, size_t const *len, unsigned int n, unsigned int secs)
{
  tain d ;
  int ok ;
  if (!bm_queuev(c, cmd, v, len, n)) return 0 ;
  deadline(&d, secs) ;
  ok = put(c->fd, c->out.s, c->out.len, &d) ;
  c->out.len = 0 ;
  return ok ;
}

int bm_send (bm_conn *c, char cmd, char const *s, size_t len, unsigned int secs)
{
  return bm_sendv(c, cmd, &s, &len, 1, secs) ;
}

int bm_recv (bm_conn *c, unsigned int secs)
{
  tain d ;
  char head[4] ;
  uint32_t len ;
  deadline(&d, secs) ;
  if (!get(c->fd, !c->conf->isunix, head, 4, &d)) return 0 ;
  uint32_unpack_big(head, &len) ;
  if (!len || len > MILTER_PACKET_MAX) return (errno = EPROTO, 0) ;
  if (!stralloc_ready(&c->in, len)) return 0 ;
  if (!get(c->fd, !c->conf->isunix, c->in.s, len, &d)) return 0 ;
  c->in.len = len ;
  return 1 ;
}

void bm_close (bm_conn *c)
{
  if (c->fd >= 0) fd_close(c->fd) ;
  c->fd = -1 ;
  stralloc_free(&c->in) ;
  stralloc_free(&c->out) ;
}
