/* ISC license. */
/* BDAT (RFC 3030 CHUNKING): "BDAT size [LAST]" then exactly size bytes, read from the input
   buffer and given to the message store shared with DATA (msg.c): no dot-unstuffing, no
   end-of-data search. CRLF is stored as LF, as DATA stores it; a CR or LF outside CRLF (a
   chunk may end between the CR and the LF) refuses the message after the chunk that holds it,
   so that no bare CR or LF reaches the queue, where the next hop would read it as a line end.
   The chunks of a refused transaction already in the pipeline are read and discarded.
   Trust: every byte is the peer's; a chunk goes through one buffer, never held whole. */

#include <sys/uio.h>
#include <skalibs/buffer.h>
#include <skalibs/bytestr.h>
#include <skalibs/types.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

#define LAST_KW "LAST"

/* "size" or "size LAST": 1 and *n, *last set; 0 malformed. */
static int parse (char const *arg, size_t len, uint64_t *n, int *last)
{
  size_t digits = 0, k ;
  while (digits < len && arg[digits] >= '0' && arg[digits] <= '9') digits++ ;
  if (!digits) return 0 ;
  k = uint64_scan(arg, n) ;
  if (k != digits) return 0 ;   /* too large for 64 bits */
  *last = 0 ;
  if (k == len) return 1 ;
  if (len - k != sizeof(LAST_KW) || arg[k] != ' ' || case_diffb(arg + k + 1, sizeof(LAST_KW) - 1, LAST_KW)) return 0 ;
  *last = 1 ;
  return 1 ;
}

/* A chunk's bytes as stored: CRLF becomes LF; after a bare CR or LF nothing more is kept. */
static void feed (smtpd *s, smtpd_msg *d, char const *p, size_t len)
{
  size_t j = 0 ;
  while (j < len && !d->bare)
  {
    char c ;
    if (!d->cr && !d->inheader)
    {
      j += smtpd_msg_run(s, d, p + j, len - j) ;
      if (j == len) break ;
    }
    c = p[j++] ;
    d->linelen++ ;
    if (d->linelen > SMTPD_TEXTLINE_MAX) d->toolong = 1 ;
    if (d->cr)
    {
      d->cr = 0 ;
      if (c == '\n') { smtpd_msg_emit(s, d, '\n') ; d->linelen = 0 ; }
      else d->bare = 1 ;
    }
    else if (c == '\r') d->cr = 1 ;
    else if (c == '\n') d->bare = 1 ;
    else smtpd_msg_emit(s, d, c) ;
  }
}

/* n bytes of input: to d, or discarded (d null). */
static void chunk (smtpd *s, smtpd_msg *d, uint64_t n)
{
  while (n)
  {
    struct iovec v[2] ;
    size_t i, used = 0 ;
    if (buffer_isempty(&s->in)) smtpd_fill(s) ;
    buffer_rpeek(&s->in, v) ;
    for (i = 0 ; i < 2 && n ; i++)
    {
      size_t k = v[i].iov_len < n ? v[i].iov_len : n ;
      if (d && k) feed(s, d, v[i].iov_base, k) ;
      used += k ; n -= k ;
    }
    buffer_rseek(&s->in, used) ;
  }
}

static void discard (smtpd *s, uint64_t n, char const *reply)
{
  chunk(s, 0, n) ;
  smtpd_reply(s, reply) ;
}

void smtpd_bdat_abort (smtpd *s)
{
  if (!s->bdat) return ;
  smtpd_qq_abort(&s->msg.q) ;
  s->qd = 0 ;
  s->bdat = 0 ;
  smtpd_log_tx(s, "refused", 0, s->msg.size, "bdat-abandoned") ;
}

void smtpd_bdat (smtpd *s, char const *arg, size_t len)
{
  smtpd_msg *d = &s->msg ;
  uint64_t n ;
  int last ;
  /* without a size the following bytes cannot be told from commands: the session ends */
  if (!parse(arg, len, &n, &last)) smtpd_drop(s, RP_BDAT_SYNTAX, "bdat-syntax") ;
  if (!s->hasmail)
  {
    if (!s->bdatfail) { discard(s, n, RP_NEED_MAIL) ; return ; }
    chunk(s, 0, n) ;   /* pipelined after the failed chunk: expected, so not counted as an error */
    smtpd_puts(s, RP_BDAT_DISCARDED "\r\n") ;
    return ;
  }
  if (!s->nrcpt) { discard(s, n, RP_NO_VALID_RCPT) ; return ; }
  if (!s->bdat)
  {
    if (!smtpd_msg_start(s, d)) { chunk(s, 0, n) ; s->bdatfail = !last ; return ; }
    s->bdat = 1 ;
  }
  d->chunks++ ;
  chunk(s, d, n) ;
  if (last)
  {
    if (d->cr) d->bare = 1 ;                             /* the message ends in a bare CR */
    else if (d->linelen && !d->bare) { smtpd_msg_emit(s, d, '\n') ; d->linelen = 0 ; }   /* an unterminated last line is closed */
  }
  if (d->bare || !smtpd_msg_check(s, d))
  {
    if (d->bare) smtpd_msg_refuse(s, d, RP_BDAT_BARE, "bare-cr-or-lf") ;
    s->bdatfail = !last ;
    return ;
  }
  if (last) { smtpd_msg_finish(s, d) ; return ; }
  {
    char fmt[UINT64_FMT] ;
    smtpd_puts(s, RP_BDAT_OK) ;
    smtpd_put(s, fmt, uint64_fmt(fmt, n)) ;
    smtpd_puts(s, RP_BDAT_OK_END "\r\n") ;
  }
}
