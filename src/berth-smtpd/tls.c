/* ISC license. */
/* STARTTLS (RFC 3207) over UCSPI-TLS, as s6-ucspitlsd and berth-tlsd offer it: no crypto here.
   The helper passes SSLCTLFD, SSLREADFD, SSLWRITEFD; 'Y' on SSLCTLFD starts the handshake and
   the helper answers with VAR=value\0...\0; closing the three fds declines TLS. Beside
   berth-listen (no exec per session), berth-tlsd -P's proxy gives the same three fds at STARTTLS:
   the session hands it its socket over BERTH_TLSPROXYFD (doc/berth-tlsd.md, "Proxy mode").
   Trust: the helper and its info are trusted (values still sanitised); the peer is not:
   input pipelined after STARTTLS is refused (CVE-2011-0411) and all state is forgotten. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/ancil.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/socket.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

#define CTL_START 'Y'
#define PROXY_SESSION 'S'   /* berth-tlsd -P's tags, in this order */
#define PROXY_SOCKET 'c'
#define PROXY_APPIN 'a'
#define PROXY_APPOUT 'b'

static int envfd (char const *name)
{
  char const *x = getenv(name) ;
  unsigned int fd ;
  if (!x || !uint0_scan(x, &fd) || fd > INT_MAX) return -1 ;
  if (fd <= 2) return -1 ;    /* never the session's own fds */
  coe(fd) ;                   /* not inherited by the queue or checkpassword programs */
  return (int)fd ;
}

/* Keeps printable ASCII only, without spaces or parentheses (the value goes into a comment). */
static void setval (char *dst, char const *x, size_t len)
{
  size_t i = 0 ;
  if (len >= SMTPD_TLSVAL_MAX) len = SMTPD_TLSVAL_MAX - 1 ;
  for (; i < len ; i++)
  {
    unsigned char c = x[i] ;
    dst[i] = (c <= 32 || c >= 127 || c == '(' || c == ')' || c == '\\') ? '?' : c ;
  }
  dst[len] = 0 ;
}

void smtpd_tls_init (smtpd *s)
{
  char const *proto = getenv("SSL_PROTOCOL") ;
  s->ctlfd = envfd("SSLCTLFD") ;
  s->sslrfd = envfd("SSLREADFD") ;
  s->sslwfd = envfd("SSLWRITEFD") ;
  s->tlsproxy = -1 ;
  if (s->ctlfd < 0 || s->sslrfd < 0 || s->sslwfd < 0) smtpd_tls_decline(s) ;
  if (s->ctlfd < 0) s->tlsproxy = envfd("BERTH_TLSPROXYFD") ;
  if (proto && *proto)
  {
    char const *cipher = getenv("SSL_CIPHER") ;
    /* implicit TLS (berth-tlsd -i, s6-tlsd): encrypted from the first byte */
    s->tls = 1 ;
    setval(s->tlsproto, proto, strlen(proto)) ;
    setval(s->tlscipher, cipher ? cipher : "unknown", cipher ? strlen(cipher) : 7) ;
    smtpd_tls_decline(s) ;
  }
}

int smtpd_tls_offered (smtpd const *s)
{
  return !s->tls && (s->ctlfd >= 0 || s->tlsproxy >= 0) ;
}

void smtpd_tls_decline (smtpd *s)
{
  if (s->ctlfd >= 0) fd_close(s->ctlfd) ;
  if (s->sslrfd >= 0) fd_close(s->sslrfd) ;
  if (s->sslwfd >= 0) fd_close(s->sslwfd) ;
  s->ctlfd = s->sslrfd = s->sslwfd = -1 ;
  if (s->tlsproxy >= 0) fd_close(s->tlsproxy) ;
  s->tlsproxy = -1 ;
}

/* The proxy's engine for this session: a channel (then SSLCTLFD), the socket, two pipes.
   0 on failure (the proxy is gone, or no fds left): the session stays in clear. */
static int proxy_open (smtpd *s)
{
  int ch[2] = { -1, -1 }, a[2] = { -1, -1 }, b[2] = { -1, -1 } ;   /* a: to the engine, b: from it */
  int ok = socketpair_internal(AF_UNIX, SOCK_STREAM, 0, O_CLOEXEC, ch) == 0
    && pipecoe(a) == 0 && pipecoe(b) == 0
    && ancil_send_fd(s->tlsproxy, ch[1], PROXY_SESSION)
    && ancil_send_fd(ch[0], 0, PROXY_SOCKET)
    && ancil_send_fd(ch[0], a[0], PROXY_APPIN)
    && ancil_send_fd(ch[0], b[1], PROXY_APPOUT) ;
  int const mine[3] = { ch[1], a[0], b[1] }, theirs[3] = { ch[0], a[1], b[0] } ;
  for (unsigned int i = 0 ; i < 3 ; i++) if (mine[i] >= 0) fd_close(mine[i]) ;
  if (!ok) { for (unsigned int i = 0 ; i < 3 ; i++) if (theirs[i] >= 0) fd_close(theirs[i]) ; return 0 ; }
  fd_close(s->tlsproxy) ; s->tlsproxy = -1 ;
  s->ctlfd = ch[0] ; s->sslrfd = b[0] ; s->sslwfd = a[1] ;
  return 1 ;
}

/* Reads the handshake info to its end (final empty entry, or EOF), bounded in size and time.
   Returns the length (0: the handshake failed). */
static size_t readinfo (smtpd *s, char *buf, size_t max)
{
  size_t len = 0 ;
  tain deadline ;
  tain_now_g() ;
  tain_addsec_g(&deadline, SMTPD_HANDSHAKE_TIMEOUT) ;
  if (tain_less(&s->sessionend, &deadline)) deadline = s->sessionend ;
  ndelay_on(s->ctlfd) ;
  while (len < max)
  {
    iopause_fd x = { .fd = s->ctlfd, .events = IOPAUSE_READ } ;
    ssize_t r = iopause_g(&x, 1, &deadline) ;
    if (r < 0) return 0 ;
    if (!r) { errno = ETIMEDOUT ; return 0 ; }
    r = fd_read(s->ctlfd, buf + len, max - len) ;
    if (r < 0) { if (error_isagain(errno)) continue ; return 0 ; }
    if (!r) { errno = 0 ; return len ; }      /* EOF: the end (nothing at all: failed) */
    len += r ;
    if (!buf[len - 1] && (len == 1 || !buf[len - 2])) return len ;   /* the final empty entry */
  }
  errno = EMSGSIZE ;                          /* no end within the bound: treated as failed */
  return 0 ;
}

static void parseinfo (smtpd *s, char const *buf, size_t len)
{
  size_t i = 0 ;
  strcpy(s->tlsproto, "unknown") ;
  strcpy(s->tlscipher, "unknown") ;
  while (i < len)
  {
    char const *p = buf + i ;
    char const *z = memchr(p, 0, len - i) ;
    size_t n = z ? (size_t)(z - p) : len - i ;
    if (!n) break ;
    if (n > 13 && !memcmp(p, "SSL_PROTOCOL=", 13)) setval(s->tlsproto, p + 13, n - 13) ;
    else if (n > 11 && !memcmp(p, "SSL_CIPHER=", 11)) setval(s->tlscipher, p + 11, n - 11) ;
    i += n + 1 ;
  }
}

void smtpd_starttls (smtpd *s, char const *arg, size_t len)
{
  char info[SMTPD_TLSINFO_MAX] ;
  size_t n ;
  char c = CTL_START ;
  (void)arg ;
  if (s->tls) { smtpd_reply(s, RP_STARTTLS_AGAIN) ; return ; }
  if (s->ctlfd < 0 && s->tlsproxy < 0) { smtpd_reply(s, RP_STARTTLS_NONE) ; return ; }
  if (len) { smtpd_reply(s, RP_NO_ARG) ; return ; }
  /* CVE-2011-0411: bytes after the command were sent in clear and must not leak into TLS */
  if (buffer_len(&s->in)) smtpd_drop(s, RP_STARTTLS_PIPELINED, "starttls-pipelined") ;
  if (s->ctlfd < 0 && !proxy_open(s))
  {   /* RFC 3207: 454, and the session goes on in clear */
    smtpd_log_tls(s, "proxy-unavailable") ;
    smtpd_reply(s, RP_STARTTLS_TEMP) ;
    return ;
  }
  smtpd_reply(s, RP_STARTTLS_GO) ;
  smtpd_flush(s) ;
  if (fd_write(s->ctlfd, &c, 1) != 1) { smtpd_log_tls(s, "helper-gone") ; smtpd_exit(s, "tls-failed") ; }
  shutdown(s->ctlfd, SHUT_WR) ;
  n = readinfo(s, info, sizeof info) ;
  if (!n)
  {
    smtpd_log_tls(s, errno == ETIMEDOUT ? "timeout" : errno == EMSGSIZE ? "info-too-long" : "handshake-failed") ;
    smtpd_exit(s, "tls-failed") ;
  }
  parseinfo(s, info, n) ;
  fd_close(s->ctlfd) ; s->ctlfd = -1 ;
  /* the TCP socket now belongs to the TLS engine: our copies on 0/1 are replaced */
  if (fd_move2(0, s->sslrfd, 1, s->sslwfd) < 0) { smtpd_log_tls(s, "fd-move") ; smtpd_exit(s, "tls-failed") ; }
  s->sslrfd = s->sslwfd = -1 ;
  s->tls = 1 ;
  smtpd_io_init(s) ;
  /* RFC 3207 4.2: forget everything learnt before TLS; the client starts again with EHLO */
  smtpd_rset(s) ;
  s->helo.len = 0 ;
  s->helomode = HELO_NONE ;
  s->authed = 0 ;
  s->authuser.len = 0 ;
  smtpd_log_tls(s, "ok") ;
}

char const *smtpd_proto (smtpd const *s)
{
  if (s->helomode != HELO_EHLO) return "SMTP" ;
  if (s->mparam.smtputf8)
    return s->tls ? (s->authed ? "UTF8SMTPSA" : "UTF8SMTPS") : (s->authed ? "UTF8SMTPA" : "UTF8SMTP") ;
  return s->tls ? (s->authed ? "ESMTPSA" : "ESMTPS") : (s->authed ? "ESMTPA" : "ESMTP") ;
}
