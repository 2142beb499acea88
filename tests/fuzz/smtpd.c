/* ISC license. */
/* libFuzzer target: a whole berth-smtpd session. The real command reader (getcmd.c), verbs,
   MAIL/RCPT paths and parameters, AUTH (base64, PLAIN/LOGIN), STARTTLS refusal, the DATA state
   machine, BDAT's chunks (corpus bdat-chunks), the message store and the Received line run on
   the input; only the edges are replaced here: the network
   (input from the fuzzer in chunks, replies kept in memory), the queue (a memory file), the
   checkpassword program and the AUTH failure pause. The first byte sets the session (databytes,
   RELAYCLIENT, requiretls, requireauth, TLS, authenticated), the second the read chunk size.
   Checks: every reply line is "ddd" + ' ' or '-' + printable text + CRLF (no peer byte can break
   a reply); a queued message starts with the Received line, holds no CR, ends in LF, has no line
   over 999 bytes and respects databytes; the envelope has the counted recipients. */

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/iopause.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/smtpd.h>

#ifndef FUZZ_PREFIX
#define FUZZ_PREFIX ""   /* smtpdata.c starts every session with a transaction up to DATA */
#endif

#define F_DATABYTES 0x01
#define F_REMOTEHOST 0x02
#define F_RELAYCLIENT 0x04
#define F_REQUIRETLS 0x08
#define F_REQUIREAUTH 0x10
#define F_TLS 0x20
#define F_AUTHED 0x40
#define FUZZ_DATABYTES 2000
#define RECEIVED "Received: from "
#define STORED_LINE_MAX 999

static smtpd s ;
static jmp_buf jb ;
static stralloc feed = STRALLOC_ZERO ;   /* the session's input */
static size_t inpos, chunk ;
static stralloc out = STRALLOC_ZERO ;    /* replies not yet checked */
static stralloc msg = STRALLOC_ZERO ;
static int memfd = -1 ;
static size_t received_len ;
#ifdef FUZZ_DATA_MODEL
static stralloc model = STRALLOC_ZERO ;  /* what the first message must be, when known */
static int model_ok ;
#endif

static void check_replies (int all)
{
  size_t i = 0 ;
  while (i < out.len)
  {
    char const *nl = memchr(out.s + i, '\n', out.len - i) ;
    size_t n ;
    if (!nl) { if (all) abort() ; break ; }
    n = nl - (out.s + i) ;
    if (n < 4 || out.s[i + n - 1] != '\r') abort() ;
    for (unsigned int k = 0 ; k < 3 ; k++) if (out.s[i + k] < '0' || out.s[i + k] > '9') abort() ;
    if (out.s[i + 3] != ' ' && out.s[i + 3] != '-') abort() ;
    for (size_t k = 4 ; k + 1 < n ; k++) if ((unsigned char)out.s[i + k] < 32 || out.s[i + k] == 127) abort() ;
    i += n + 1 ;
  }
  memmove(out.s, out.s + i, out.len - i) ;
  out.len -= i ;
}

/* The edges of io.c. */

static ssize_t fuzz_read (int fd, struct iovec const *v, unsigned int n)
{
  size_t w = 0 ;
  (void)fd ;
  for (unsigned int i = 0 ; i < n && inpos < feed.len && w < chunk ; i++)
  {
    size_t k = v[i].iov_len ;
    if (k > feed.len - inpos) k = feed.len - inpos ;
    if (k > chunk - w) k = chunk - w ;
    memcpy(v[i].iov_base, feed.s + inpos, k) ;
    inpos += k ; w += k ;
  }
  return w ;
}

static ssize_t fuzz_write (int fd, struct iovec const *v, unsigned int n)
{
  (void)fd ; (void)v ; (void)n ;
  abort() ;   /* replies go through smtpd_put below, never through s.out */
}

/* log.c formats its lines to buffer_2: they are built, then dropped here */
static ssize_t discard (int fd, struct iovec const *v, unsigned int n)
{
  size_t w = 0 ;
  (void)fd ;
  for (unsigned int i = 0 ; i < n ; i++) w += v[i].iov_len ;
  return w ;
}

void smtpd_io_init (smtpd *x) { (void)x ; abort() ; }   /* only after a real STARTTLS */

int smtpd_fill (smtpd *x)
{
  if (buffer_fill(&x->in) <= 0) smtpd_exit(x, "eof") ;
  return 1 ;
}

void smtpd_put (smtpd *x, char const *p, size_t len)
{
  (void)x ;
  if (!stralloc_catb(&out, p, len)) abort() ;
  if (out.len > 65536) check_replies(0) ;
}

void smtpd_puts (smtpd *x, char const *p) { smtpd_put(x, p, strlen(p)) ; }

void smtpd_reply (smtpd *x, char const *r)
{
  if (r[0] == '5') x->errors++ ;
  smtpd_puts(x, r) ;
  smtpd_put(x, "\r\n", 2) ;
}

void smtpd_flush (smtpd *x) { (void)x ; }

void smtpd_exit (smtpd *x, char const *reason)
{
  smtpd_log_session(x, reason) ;
  longjmp(jb, 1) ;
}

void smtpd_drop (smtpd *x, char const *reply, char const *reason)
{
  smtpd_reply(x, reply) ;
  smtpd_exit(x, reason) ;
}

/* The edges of qq.c and checkpw.c, and auth.c's pause. */

int smtpd_qq_start (smtpd *x, smtpd_qq *q)
{
  (void)x ;
  if (memfd < 0 && (memfd = memfd_create("berth-fuzz-msg", 0)) < 0) abort() ;
  if (ftruncate(memfd, 0) < 0 || lseek(memfd, 0, SEEK_SET) < 0) abort() ;
  q->r.pid = 1 ; q->msgfd = memfd ;
  {
    /* data.c writes the Received line next, built the same way (only the clock may differ) */
    stralloc r = STRALLOC_ZERO ;
    if (!smtpd_received(x, &r)) abort() ;
    received_len = r.len ;
    stralloc_free(&r) ;
  }
  return 1 ;
}

void smtpd_qq_abort (smtpd_qq *q) { q->r.pid = 0 ; q->msgfd = -1 ; }

int smtpd_qq_finish (smtpd *x, smtpd_qq *q, stralloc *reply, char *qid, size_t qidmax)
{
  off_t end = lseek(memfd, 0, SEEK_CUR) ;
  size_t n = 0 ;
  if (end < 0 || !stralloc_ready(&msg, (size_t)end + 1)) abort() ;
  if (end && pread(memfd, msg.s, end, 0) != end) abort() ;
  msg.len = end ;
  if (q->msgfd != memfd || msg.len < sizeof(RECEIVED) || memcmp(msg.s, RECEIVED, sizeof(RECEIVED) - 1)) abort() ;
  if (memchr(msg.s, '\r', msg.len) || msg.s[msg.len - 1] != '\n') abort() ;
  for (size_t i = 0, l = 0 ; i < msg.len ; i++)
  {
    if (++l > STORED_LINE_MAX && i >= received_len) abort() ;
    if (msg.s[i] == '\n') l = 0 ;
  }
  if (x->databytes && msg.len - received_len > x->databytes) abort() ;
#ifdef FUZZ_DATA_MODEL
  if (model_ok && x->ntx == 1 && !x->authed
   && (msg.len != received_len + model.len || memcmp(msg.s + received_len, model.s, model.len))) abort() ;
#endif
  if (!x->nrcpt || x->nrcpt > SMTPD_RCPT_MAX || !x->hasmail) abort() ;
  for (size_t i = 0 ; i < x->rcpts.len ; i++) if (!x->rcpts.s[i]) n++ ;
  if (n != x->nrcpt || x->rcpts.s[x->rcpts.len - 1]) abort() ;
  if (!stralloc_copys(reply, "250 2.0.0 ok") || !stralloc_0(reply)) abort() ;
  if (qidmax < 6) abort() ;
  memcpy(qid, "1.2.3", 6) ;
  q->r.pid = 0 ; q->msgfd = -1 ;
  return 1 ;
}

int smtpd_checkpw (smtpd const *x, char const *user, size_t ulen, char const *pass, size_t plen)
{
  (void)x ;
  if (ulen == 4 && !memcmp(user, "temp", 4)) return -1 ;
  return ulen == 4 && !memcmp(user, "user", 4) && plen == 4 && !memcmp(pass, "pass", 4) ;
}

void deepsleepuntil (tain const *deadline, tain *stamp) { (void)deadline ; (void)stamp ; }

static void session_free (void)
{
  stralloc *all[] = { &s.me, &s.greeting, &s.localiphost, &s.rcpthosts, &s.badmailfrom, &s.qqpath,
    &s.checkpw, &s.authuser, &s.helo, &s.line, &s.tmp, &s.mailfrom, &s.mailparams, &s.rcpts, &s.mparams, &s.rparams } ;
  for (size_t i = 0 ; i < sizeof all / sizeof *all ; i++) stralloc_free(all[i]) ;
}

static void setup (unsigned int flags)
{
  static char const rcpthosts[] = "example.org\0.example.net\0" ;
  static char const badmailfrom[] = "bad@example.com\0@spam.example\0" ;
  static char logbuf[BUFFER_OUTSIZE] ;
  buffer_init(buffer_2, &discard, 2, logbuf, sizeof logbuf) ;
  memset(&s, 0, sizeof s) ;
  buffer_init(&s.in, &fuzz_read, 0, s.inbuf, sizeof s.inbuf) ;
  buffer_init(&s.out, &fuzz_write, 1, s.outbuf, sizeof s.outbuf) ;
  tain_now_set_stopwatch_g() ;
  tain_now_g() ;
  tain_addsec_g(&s.sessionend, 3600) ;
  tain_uint(&s.cmdtimeout, 1200) ;
  if (!stralloc_copys(&s.me, "mx.example.org") || !stralloc_copys(&s.localiphost, "example.org")
   || !stralloc_copyb(&s.rcpthosts, rcpthosts, sizeof rcpthosts - 1)
   || !stralloc_copyb(&s.badmailfrom, badmailfrom, sizeof badmailfrom - 1)
   || !stralloc_copys(&s.checkpw, "checkpassword")) abort() ;
  s.databytes = flags & F_DATABYTES ? FUZZ_DATABYTES : 0 ;
  s.remoteip = "192.0.2.1" ;
  s.remotehost = flags & F_REMOTEHOST ? "client.example" : 0 ;
  s.relayclient = flags & F_RELAYCLIENT ? "" : 0 ;
  s.queueprog = "berth-queue" ;
  s.requiretls = !!(flags & F_REQUIRETLS) ;
  s.requireauth = !!(flags & F_REQUIREAUTH) ;
  s.authloopback = 1 ;
  s.ctlfd = s.sslrfd = s.sslwfd = s.tlsproxy = -1 ;
  if (flags & F_TLS)
  {
    s.tls = 1 ;
    strcpy(s.tlsproto, "TLSv1.3") ;
    strcpy(s.tlscipher, "TLS_AES_128_GCM_SHA256") ;
  }
  if (flags & F_AUTHED)
  {
    s.authed = 1 ;
    if (!stralloc_copys(&s.authuser, "user") || !stralloc_0(&s.authuser)) abort() ;
    s.authuser.len-- ;
  }
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  if (size < 2) return 0 ;
  setup(data[0]) ;
  chunk = data[1] < 128 ? 1 + data[1] % 32 : (size_t)-1 ;
  feed.len = 0 ; inpos = 0 ; out.len = 0 ;
  if (!stralloc_cats(&feed, FUZZ_PREFIX) || !stralloc_catb(&feed, (char const *)data + 2, size - 2)) abort() ;
#ifdef FUZZ_DATA_MODEL
  model_ok = fuzz_data_model(&model, (char const *)data + 2, size - 2) ;
#endif
  if (!setjmp(jb)) smtpd_loop(&s) ;
  check_replies(1) ;
  session_free() ;
  return 0 ;
}
