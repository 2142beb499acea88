/* ISC license. */
/* libFuzzer target: the bounce berth-bounce writes (compose_mime, compose_qsbmf) from bounce
   records and an original message that both come from outside (remote replies, the sender's
   message). Input: a flags byte (QSBMF, delayed, double bounce, headers only, no original), two
   bytes of records length, the records (queue/bounce format), the original message. Checks: the
   MIME structure cannot be forged: exactly one "--boundary" line per part and one closing line,
   unless the original held every candidate boundary; the generated lines (before the original)
   are at most 998 bytes; the output ends in LF. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/dsn.h>
#include "../../src/berth-bounce/bounce.h"

#define F_QSBMF 0x01
#define F_DELAYED 0x02
#define F_DBL 0x04
#define F_HEADERSONLY 0x08
#define F_NOMESS 0x10
#define LAST_SALT "=9"
#define QSBMF_COPY "--- Below this line"

static stralloc out = STRALLOC_ZERO ;
static int memfd = -1 ;

static ssize_t collect (int fd, struct iovec const *v, unsigned int n)
{
  size_t w = 0 ;
  (void)fd ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (!stralloc_catb(&out, v[i].iov_base, v[i].iov_len)) abort() ;
    w += v[i].iov_len ;
  }
  return w ;
}

static int starts (char const *line, size_t len, char const *b, size_t blen)
{
  return len >= blen + 2 && line[0] == '-' && line[1] == '-' && !memcmp(line + 2, b, blen) ;
}

static void check (bounce const *x, int qsbmf)
{
  size_t blen = strlen(x->boundary), delims = 0, closes = 0, i = 0 ;
  size_t expect = x->messfd >= 0 ? 3 : 2 ;
  int generated = 1 ;
  if (!out.len || out.s[out.len - 1] != '\n') abort() ;
  while (i < out.len)
  {
    char const *nl = memchr(out.s + i, '\n', out.len - i) ;
    size_t n = nl - (out.s + i) ;
    char const *line = out.s + i ;
    if (qsbmf && n >= sizeof(QSBMF_COPY) - 1 && !memcmp(line, QSBMF_COPY, sizeof(QSBMF_COPY) - 1)) generated = 0 ;
    if (generated && n > DSN_LINE_MAX) abort() ;
    if (!qsbmf && starts(line, n, x->boundary, blen))
    {
      if (n == blen + 4 && line[blen + 2] == '-' && line[blen + 3] == '-') closes++ ;
      else if (++delims == expect) generated = 0 ;
    }
    i += n + 1 ;
  }
  if (qsbmf) return ;
  if (blen > 2 && !strcmp(x->boundary + blen - 2, LAST_SALT)) return ;   /* every candidate was taken */
  if (delims != expect || closes != 1) abort() ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char buf[BUFFER_OUTSIZE] ;
  genalloc ga = GENALLOC_ZERO ;
  bounce x ;
  wout w ;
  unsigned int flags ;
  size_t rlen ;
  int n ;
  if (size < 3) return 0 ;
  flags = data[0] ;
  rlen = data[1] << 8 | data[2] ;
  data += 3 ; size -= 3 ;
  if (rlen > size) rlen = size ;
  n = dsn_records_parse(&ga, (char const *)data, rlen) ;
  if (n < 0) abort() ;
  memset(&x, 0, sizeof x) ;
  x.id = "1764438000.123456.789" ; x.sender = "sender@example.org" ; x.rcpt = "sender@example.org" ;
  x.envsender = "#@[]" ; x.me = "mx.example.org" ; x.bouncehost = "example.org" ; x.from = "MAILER-DAEMON" ;
  x.dbl = !!(flags & F_DBL) ; x.delayed = !!(flags & F_DELAYED) ;
  x.recs = (char const *)data ; x.r = genalloc_s(dsn_rcpt, &ga) ; x.n = n ;
  x.arrival = 1764438000 ; x.now = 1764438100 ; x.maxbytes = 50000 ;
  x.headersonly = !!(flags & F_HEADERSONLY) ;
  x.messfd = -1 ;
  if (!(flags & F_NOMESS))
  {
    if (memfd < 0 && (memfd = memfd_create("berth-fuzz-orig", 0)) < 0) abort() ;
    if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data + rlen, size - rlen, 0) != (ssize_t)(size - rlen)) abort() ;
    x.messfd = memfd ; x.messsize = size - rlen ;
  }
  if (!original_scan(&x)) abort() ;
  out.len = 0 ;
  buffer_init(&w.b, &collect, -1, buf, sizeof buf) ;
  w.bytes = 0 ;
  if (!(flags & F_QSBMF ? compose_qsbmf(&w, &x) : compose_mime(&w, &x)) || !buffer_flush(&w.b)) abort() ;
  if (w.bytes != out.len) abort() ;
  check(&x, flags & F_QSBMF) ;
  genalloc_free(dsn_rcpt, &ga) ;
  return 0 ;
}
