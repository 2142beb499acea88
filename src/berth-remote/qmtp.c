/* ISC license. */
/* berth-remote: QMTP (D. J. Bernstein's, as qmail-qmtpd speaks it) for the domains that
   control/qmtproutes names, in smtproutes' form ("domain:relay[:port]", ".suffix", an empty
   domain for every other): the relay must be an IP address ("[ip]" or bare), the port defaults
   to 209. The message goes as it is in the queue (type LF: qmail's lines), the sender and the
   recipients as the envelope holds them; each recipient's answer (K, Z, D) becomes its r, s or h
   record, and the final record is K when one was accepted. A connection that fails or dies before
   every answer is a temporary failure (Z) for the recipients without one: the server may have
   queued the message, qmail's "at worst twice". Trust: the server's answers are bounded
   (REPORT_TEXT_MAX kept of each) and read under the same timeouts as SMTP's. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include <skalibs/netstring.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/nsin.h>
#include <berth/qmqp.h>
#include <berth/route.h>
#include "remote.h"

#define QMTP_ROUTES "control/qmtproutes"

static int final (rreport *rep, char what, char const *a, char const *b, char const *d)
{
  char const *parts[3] = { a, b ? b : "", d ? d : "" } ;
  remote_report_final(rep, what, parts, 3) ;
  return 1 ;
}

/* The message netstring's head, the message from the queue, then its comma, the sender's and
   the recipients' netstrings. 1, or 0 (errno). */
static int qsend (rconn *c, rcfg const *cfg, rmsg const *m, stralloc *sa)
{
  char buf[MESSAGE_CHUNK] ;
  char fmt[UINT64_FMT + 2] ;
  struct stat st ;
  uint64_t len ;
  size_t k ;
  if (fstat(m->fd, &st) < 0 || lseek(m->fd, m->start, SEEK_SET) < 0) return 0 ;
  len = (uint64_t)st.st_size - (uint64_t)m->start ;
  k = uint64_fmt(fmt, len + 1) ;
  fmt[k++] = ':' ; fmt[k++] = QMTP_TYPE_LF ;
  if (!remote_conn_write(c, fmt, k, TIMEOUT(cfg, TO_BLOCK))) return 0 ;
  while (len)
  {
    ssize_t r = fd_read(m->fd, buf, len < sizeof buf ? len : sizeof buf) ;
    if (r <= 0) return (errno = r ? errno : EPIPE, 0) ;
    if (!remote_conn_write(c, buf, r, TIMEOUT(cfg, TO_BLOCK))) return 0 ;
    len -= r ;
  }
  {
    stralloc rc = STRALLOC_ZERO ;
    int ok = stralloc_copyb(sa, ",", 1) && netstring_appends(sa, m->sender) ;
    for (unsigned int i = 0 ; ok && i < m->n ; i++) ok = netstring_appends(&rc, m->rcpts[i]) ;
    ok = ok && netstring_appendb(sa, rc.s, rc.len) ;
    stralloc_free(&rc) ;
    if (!ok) return 0 ;
  }
  return remote_conn_write(c, sa->s, sa->len, TIMEOUT(cfg, TO_DATA)) ;
}

/* One answer into sa (at most REPORT_TEXT_MAX bytes kept). 1, or 0 (errno). */
static int answer (rconn *c, rcfg const *cfg, stralloc *sa)
{
  tain d ;
  size_t len, keep ;
  tain_now_g() ;
  tain_addsec_g(&d, TIMEOUT(cfg, TO_DOT)) ;
  ssize_t r = nsin_len(&c->in, &len, &d) ;
  if (r <= 0) { if (!r) errno = EPIPE ; return 0 ; }
  keep = len < REPORT_TEXT_MAX ? len : REPORT_TEXT_MAX ;
  if (!stralloc_ready(sa, keep + 1)) return 0 ;
  if (nsin_get(&c->in, sa->s, keep, &d) < 0 || nsin_get(&c->in, 0, len - keep, &d) < 0
   || nsin_comma(&c->in, &d) < 0) return 0 ;
  sa->len = keep ;
  sa->s[sa->len] = 0 ;
  return 1 ;
}

static int deliver (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep)
{
  stralloc sa = STRALLOC_ZERO ;
  unsigned int i = 0, accepted = 0 ;
  if (!qsend(c, cfg, m, &sa))
  {
    stralloc_free(&sa) ;
    return final(rep, 'Z', "Connected to ", c->label, " but the QMTP connection died while sending. (#4.4.2)") ;
  }
  for (; i < m->n ; i++)
  {
    char what ;
    char const *parts[3] = { "Remote host said: ", "", "" } ;
    if (!answer(c, cfg, &sa)) break ;
    what = sa.len && sa.s[0] == QMQP_OK ? 'r' : sa.len && sa.s[0] == QMQP_PERM ? 'h' : 's' ;
    parts[1] = sa.len ? sa.s + 1 : "" ;
    parts[2] = what == 'h' ? "" : what == 's' ? " (#4.4.2)" : "" ;
    remote_report_rcpt(rep, i, what, parts, 3) ;
    if (what == 'r') accepted++ ;
  }
  if (i < m->n)
  {  /* the rest unanswered: a temporary failure for them (those answered keep their verdict) */
    for (unsigned int j = i ; j < m->n ; j++)
    {
      char const *parts[3] = { "Connected to ", c->label, " but the QMTP connection died before its answer. (#4.4.2)" } ;
      remote_report_rcpt(rep, j, 's', parts, 3) ;
    }
  }
  stralloc_free(&sa) ;
  if (accepted) return final(rep, 'K', "QMTP: ", c->label, " accepted the message.") ;
  return final(rep, 'D', "Giving up on ", c->label, " (QMTP).") ;
}

int remote_qmtp_route (rcfg const *cfg, rmsg const *m, rreport *rep, char const *host)
{
  stralloc routes = STRALLOC_ZERO, relay = STRALLOC_ZERO ;
  rconn c = { .fd = -1, .wfd = -1, .lines = STRALLOC_ZERO, .tlstext = STRALLOC_ZERO } ;
  uint16_t port = 0 ;
  char ip[16] ;
  int is6, r, timedout ;
  if (control_readlines(&routes, QMTP_ROUTES) < 0) return final(rep, 'Z', "Unable to read ", QMTP_ROUTES, ". (#4.3.0)") ;
  r = route_find(routes.s, routes.len, host, &relay, &port) ;
  stralloc_free(&routes) ;
  if (!r) return 0 ;
  if (r < 0) return final(rep, 'Z', "Out of memory. (#4.3.0)", 0, 0) ;
  if (!relay.len || !route_literal(relay.s, 1, ip, &is6))
  {
    r = final(rep, 'Z', QMTP_ROUTES ": the relay for ", host, " must be an IP address. (#4.3.5)") ;
    stralloc_free(&relay) ;
    return r ;
  }
  stralloc_free(&relay) ;
  if (m->requiretls)   /* RFC 8689: QMTP has no TLS and no REQUIRETLS; the route is the administrator's */
    return final(rep, 'D', "Sorry, REQUIRETLS support required: control/qmtproutes sends mail for ", host, " by QMTP, which cannot carry it. (#5.7.30)") ;
  if (!port) port = QMTP_PORT ;
  c.ip[is6 ? ip6_fmt(c.ip, ip) : ip4_fmt(c.ip, ip)] = 0 ;
  c.host = c.ip ;
  c.literal = 1 ;
  {
    size_t n = strlen(c.ip) ;
    memcpy(c.label, c.ip, n) ;
    c.label[n++] = ':' ;
    c.label[n + uint16_fmt(c.label + n, port)] = 0 ;
  }
  if (!remote_conn_open(&c, cfg, ip, is6, port, &timedout))
    return final(rep, 'Z', "Sorry, I wasn't able to establish a QMTP connection to ", c.label, timedout ? ": timed out. (#4.4.1)" : ": refused. (#4.4.1)") ;
  c.port = port ;
  memcpy(c.relay, c.ip, strlen(c.ip) + 1) ;
  if (m->dsn && remote_report_relay(rep, &c, 1)) rep->relayed = 1 ;   /* QMTP has no DSN: "relayed" */
  r = deliver(&c, cfg, m, rep) ;
  remote_conn_close(&c) ;
  stralloc_free(&c.lines) ;
  stralloc_free(&c.tlstext) ;
  return r ;
}
