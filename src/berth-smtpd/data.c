/* ISC license. */
/* DATA: the 354, the Received line, the byte-by-byte end-of-data state machine (only
   <CRLF>.<CRLF> ends; bare CR or LF drops the session as qmail does), dot-unstuffing, CRLF
   stored as LF, line length, databytes and hop counting, streamed to the queue.
   Trust: every byte is the peer's; nothing is held in memory beyond one buffer. */

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <berth/queue.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

/* The states of the terminator automaton; BOL is "just after CRLF" (and the start). */
#define ST_BOL 0
#define ST_MID 1
#define ST_CR 2
#define ST_DOT 3
#define ST_DOTCR 4
#define ST_END 5
#define ST_BARE 6

#define QBUF_SIZE 16384   /* the peer's reads come 8 KiB at a time: a larger buffer only costs resident memory */

/* Where the header scanner is in the current line of the header block. */
#define HS_START 0        /* at the start of a line */
#define HS_NAME 1         /* holding what may be a field name */
#define HS_FIELD 2        /* inside a field (name known), streaming */

#define F_RECEIVED "received"
#define F_DELIVERED "delivered-to"

typedef struct dstate_s dstate ;
struct dstate_s
{
  unsigned int st ;
  size_t linelen ;        /* wire bytes of the current line, CRLF included */
  uint64_t size ;         /* bytes as stored, LF endings */
  unsigned int hops ;
  int inheader ;
  unsigned int hs ;
  int prevfield ;         /* the previous header line was a field: WSP continues it */
  int submit ;            /* authenticated: add Date:/Message-ID: if missing */
  unsigned int have ;     /* SUBMIT_HAVE_* seen */
  size_t holdlen ;
  char hold[SMTPD_TEXTLINE_MAX] ;
  int toolong ;
  int toobig ;
  int writeerr ;
  buffer q ;
} ;

static void store (smtpd const *s, dstate *d, char c)
{
  d->size++ ;
  if (s->databytes && d->size > s->databytes) d->toobig = 1 ;
  if (d->toobig || d->toolong || d->writeerr || d->hops > SMTPD_HOPS_MAX) return ;
  if (buffer_put(&d->q, &c, 1) < 0) d->writeerr = 1 ;
}

static void storeb (smtpd const *s, dstate *d, char const *x, size_t len)
{
  size_t i = 0 ;
  for (; i < len ; i++) store(s, d, x[i]) ;
}

/* In the middle of a body line, the bytes up to the next CR or LF go through the automaton
   unchanged (state ST_MID, no header scanner): counted and stored at once, not byte by byte.
   The flags end as store() would leave them; what is stored after one trips is never queued. */
static size_t bodyrun (smtpd const *s, dstate *d, char const *p, size_t len)
{
  char const *cr = memchr(p, '\r', len) ;
  char const *lf = memchr(p, '\n', cr ? (size_t)(cr - p) : len) ;
  size_t k = lf ? (size_t)(lf - p) : cr ? (size_t)(cr - p) : len ;
  d->linelen += k ;
  if (d->linelen > SMTPD_TEXTLINE_MAX) d->toolong = 1 ;
  d->size += k ;
  if (s->databytes && d->size > s->databytes) d->toobig = 1 ;
  if (k && !(d->toobig || d->toolong || d->writeerr || d->hops > SMTPD_HOPS_MAX) && buffer_put(&d->q, p, k) < 0) d->writeerr = 1 ;
  return k ;
}

/* The header block ends (empty line, a line that is no field, or the end of the message):
   a submission gets its missing fields here, at the end of the header. */
static void endheader (smtpd *s, dstate *d)
{
  d->inheader = 0 ;
  if (!d->submit || (d->have & (SUBMIT_HAVE_DATE | SUBMIT_HAVE_MSGID)) == (SUBMIT_HAVE_DATE | SUBMIT_HAVE_MSGID)) return ;
  if (!smtpd_submit_headers(s, d->have, &s->tmp)) { d->writeerr = 1 ; return ; }
  storeb(s, d, s->tmp.s, s->tmp.len) ;
}

static void fieldname (dstate *d)
{
  size_t n = d->holdlen ;
  if ((n == sizeof(F_RECEIVED) - 1 && !case_diffb(d->hold, n, F_RECEIVED))
   || (n == sizeof(F_DELIVERED) - 1 && !case_diffb(d->hold, n, F_DELIVERED))) d->hops++ ;
  d->have |= smtpd_submit_field(d->hold, n) ;
}

/* One stored byte: through the header scanner while in the header block. A possible field
   name is held (at most one line) until its ':' shows whether the line is a field. */
static void emit (smtpd *s, dstate *d, char c)
{
  if (!d->inheader) { store(s, d, c) ; return ; }
  switch (d->hs)
  {
    case HS_START :
      if (c == '\n') { endheader(s, d) ; store(s, d, c) ; return ; }
      if ((c == ' ' || c == '\t') && d->prevfield) { d->hs = HS_FIELD ; store(s, d, c) ; return ; }
      if ((unsigned char)c > 32 && (unsigned char)c < 127 && c != ':')
      {
        d->hold[0] = c ; d->holdlen = 1 ; d->hs = HS_NAME ;
        return ;
      }
      endheader(s, d) ; store(s, d, c) ;
      return ;
    case HS_NAME :
      if (c == ':')
      {
        fieldname(d) ;
        storeb(s, d, d->hold, d->holdlen) ; store(s, d, c) ;
        d->hs = HS_FIELD ; d->prevfield = 1 ;
        return ;
      }
      if ((unsigned char)c > 32 && (unsigned char)c < 127 && d->holdlen < sizeof d->hold)
      {
        d->hold[d->holdlen++] = c ;
        return ;
      }
      endheader(s, d) ;
      storeb(s, d, d->hold, d->holdlen) ; store(s, d, c) ;
      return ;
    default :
      store(s, d, c) ;
      if (c == '\n') d->hs = HS_START ;
      return ;
  }
}

/* One byte through the automaton. */
static void step (smtpd *s, dstate *d, char c)
{
  d->linelen++ ;
  if (d->linelen > SMTPD_TEXTLINE_MAX) d->toolong = 1 ;
  switch (d->st)
  {
    case ST_BOL :
      if (c == '.') { d->st = ST_DOT ; break ; }
      /* fall through */
    case ST_MID :
      if (c == '\r') d->st = ST_CR ;
      else if (c == '\n') d->st = ST_BARE ;
      else { emit(s, d, c) ; d->st = ST_MID ; }
      break ;
    case ST_CR :
      if (c == '\n') { emit(s, d, '\n') ; d->st = ST_BOL ; d->linelen = 0 ; }
      else d->st = ST_BARE ;
      break ;
    case ST_DOT :
      if (c == '\r') d->st = ST_DOTCR ;
      else if (c == '\n') d->st = ST_BARE ;
      else { emit(s, d, c) ; d->st = ST_MID ; }   /* the leading dot is removed (4.5.2) */
      break ;
    case ST_DOTCR :
      d->st = c == '\n' ? ST_END : ST_BARE ;
      break ;
  }
}

static void txfail (smtpd *s, smtpd_qq *q, char const *reply, char const *reason, uint64_t size)
{
  smtpd_qq_abort(q) ;
  s->qd = 0 ;
  smtpd_reply(s, reply) ;
  smtpd_log_tx(s, "refused", 0, size, reason) ;
  smtpd_rset(s) ;
}

void smtpd_data (smtpd *s, char const *arg, size_t len)
{
  char qbuf[QBUF_SIZE] ;
  char qid[QUEUE_ID_MAX + 16] ;
  smtpd_qq q = { .r = QQRUN_ZERO, .msgfd = -1 } ;
  dstate d = { .st = ST_BOL, .linelen = 0, .size = 0, .hops = 0, .inheader = 1, .hs = HS_START, .prevfield = 0, .submit = s->authed, .have = 0, .holdlen = 0, .toolong = 0, .toobig = 0, .writeerr = 0 } ;
  int r ;
  (void)arg ;
  if (len) { smtpd_reply(s, RP_NO_ARG) ; return ; }
  if (!s->hasmail) { smtpd_reply(s, RP_NEED_MAIL) ; return ; }
  if (!s->nrcpt) { smtpd_reply(s, RP_NO_VALID_RCPT) ; return ; }
  s->ntx++ ;
  smtpd_sid(s) ;
  if (!smtpd_qq_start(s, &q))
  {
    smtpd_reply(s, RP_QQ_START) ;
    smtpd_log_tx(s, "refused", 0, 0, "qq-start") ;
    smtpd_rset(s) ;
    return ;
  }
  /* smtpd_exit withdraws an in-process message cut by the peer (qdirect.c). Every way out of
     this function (txfail, the end) resets s->qd; the others exit the process. */
  /* cppcheck-suppress autoVariables */
  s->qd = &q ;
  buffer_init(&d.q, &buffer_write, q.msgfd, qbuf, sizeof qbuf) ;
  if (!smtpd_received(s, &s->tmp)) smtpd_drop(s, RP_NOMEM, "nomem") ;
  if (buffer_put(&d.q, s->tmp.s, s->tmp.len) < 0) d.writeerr = 1 ;
  smtpd_reply(s, RP_DATA_GO) ;

  while (d.st != ST_END && d.st != ST_BARE)
  {
    struct iovec v[2] ;
    size_t i, used = 0 ;
    if (buffer_isempty(&s->in)) smtpd_fill(s) ;
    buffer_rpeek(&s->in, v) ;
    for (i = 0 ; i < 2 ; i++)
    {
      char const *p = v[i].iov_base ;
      size_t j = 0 ;
      while (j < v[i].iov_len && d.st != ST_END && d.st != ST_BARE)
      {
        if (d.st == ST_MID && !d.inheader)
        {
          size_t k = bodyrun(s, &d, p + j, v[i].iov_len - j) ;
          j += k ;
          if (k) continue ;
        }
        step(s, &d, p[j++]) ;
      }
      used += j ;
    }
    buffer_rseek(&s->in, used) ;
  }
  if (d.st == ST_BARE)
  {
    smtpd_qq_abort(&q) ;
    smtpd_log_tx(s, "refused", 0, d.size, "bare-cr-or-lf") ;
    smtpd_drop(s, RP_BARE_LF, "bare-cr-or-lf") ;
  }
  if (d.inheader) endheader(s, &d) ;   /* a message that is all header */
  if (!d.writeerr && !buffer_flush(&d.q)) d.writeerr = 1 ;
  if (d.toolong) { txfail(s, &q, RP_TEXT_TOO_LONG, "line-too-long", d.size) ; return ; }
  if (d.toobig) { txfail(s, &q, RP_SIZE, "databytes", d.size) ; return ; }
  if (d.hops > SMTPD_HOPS_MAX) { txfail(s, &q, RP_LOOP, "loop", d.size) ; return ; }
  q.failed = d.writeerr ;
  r = smtpd_qq_finish(s, &q, &s->tmp, qid, sizeof qid) ;
  if (r < 0) smtpd_drop(s, RP_NOMEM, "nomem") ;
  smtpd_reply(s, s->tmp.s) ;
  if (r) s->naccepted++ ;
  smtpd_log_tx(s, r ? "accepted" : "refused", qid[0] ? qid : 0, d.size, r ? 0 : s->tmp.s) ;
  s->qd = 0 ;
  smtpd_rset(s) ;
}
