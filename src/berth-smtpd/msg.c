/* ISC license. */
/* The message being stored, whatever its framing (DATA's dot-terminated lines, BDAT's counted
   chunks): the queue opened with the Received line, the header scan (hop count, submission
   fields), databytes, line length, streamed to the queue through one buffer, then the commit
   and the reply. The framings give it bytes as stored: LF line ends, no dot-stuffing.
   Trust: every byte is the peer's; nothing is held in memory beyond one buffer and one line. */

#include <string.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <berth/queue.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

/* Where the header scanner is in the current line of the header block. */
#define HS_START 0        /* at the start of a line */
#define HS_NAME 1         /* holding what may be a field name */
#define HS_FIELD 2        /* inside a field (name known), streaming */

#define F_RECEIVED "received"
#define F_DELIVERED "delivered-to"

static int stopped (smtpd_msg const *d)
{
  return d->toobig || d->toolong || d->writeerr || d->hops > SMTPD_HOPS_MAX || d->bare ;
}

static void store (smtpd const *s, smtpd_msg *d, char c)
{
  d->size++ ;
  if (s->databytes && d->size > s->databytes) d->toobig = 1 ;
  if (stopped(d)) return ;
  if (buffer_put(&d->b, &c, 1) < 0) d->writeerr = 1 ;
}

static void storeb (smtpd const *s, smtpd_msg *d, char const *x, size_t len)
{
  size_t i = 0 ;
  for (; i < len ; i++) store(s, d, x[i]) ;
}

/* In the middle of a body line, the bytes up to the next CR or LF need no scanning: counted
   and stored at once, not byte by byte. The flags end as store() would leave them; what is
   stored after one trips is never queued. */
size_t smtpd_msg_run (smtpd const *s, smtpd_msg *d, char const *p, size_t len)
{
  char const *cr = memchr(p, '\r', len) ;
  char const *lf = memchr(p, '\n', cr ? (size_t)(cr - p) : len) ;
  size_t k = lf ? (size_t)(lf - p) : cr ? (size_t)(cr - p) : len ;
  d->linelen += k ;
  if (d->linelen > SMTPD_TEXTLINE_MAX) d->toolong = 1 ;
  d->size += k ;
  if (s->databytes && d->size > s->databytes) d->toobig = 1 ;
  if (k && !stopped(d) && buffer_put(&d->b, p, k) < 0) d->writeerr = 1 ;
  return k ;
}

/* The header block ends (empty line, a line that is no field, or the end of the message):
   a submission gets its missing fields here, at the end of the header. */
static void endheader (smtpd *s, smtpd_msg *d)
{
  d->inheader = 0 ;
  if (!d->submit || (d->have & (SUBMIT_HAVE_DATE | SUBMIT_HAVE_MSGID)) == (SUBMIT_HAVE_DATE | SUBMIT_HAVE_MSGID)) return ;
  if (!smtpd_submit_headers(s, d->have, &s->tmp)) { d->writeerr = 1 ; return ; }
  storeb(s, d, s->tmp.s, s->tmp.len) ;
}

static void fieldname (smtpd_msg *d)
{
  size_t n = d->holdlen ;
  if ((n == sizeof(F_RECEIVED) - 1 && !case_diffb(d->hold, n, F_RECEIVED))
   || (n == sizeof(F_DELIVERED) - 1 && !case_diffb(d->hold, n, F_DELIVERED))) d->hops++ ;
  d->have |= smtpd_submit_field(d->hold, n) ;
}

/* One stored byte: through the header scanner while in the header block. A possible field
   name is held (at most one line) until its ':' shows whether the line is a field. */
void smtpd_msg_emit (smtpd *s, smtpd_msg *d, char c)
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

int smtpd_msg_start (smtpd *s, smtpd_msg *d)
{
  smtpd_qq const qzero = { .r = QQRUN_ZERO, .msgfd = -1 } ;
  d->q = qzero ;
  d->linelen = 0 ; d->size = 0 ; d->hops = 0 ;
  d->inheader = 1 ; d->hs = HS_START ; d->prevfield = 0 ;
  d->submit = s->authed ; d->have = 0 ; d->holdlen = 0 ;
  d->toolong = d->toobig = d->writeerr = 0 ;
  d->cr = d->bare = 0 ;
  d->chunks = 0 ;
  s->ntx++ ;
  smtpd_sid(s) ;
  if (!smtpd_qq_start(s, &d->q))
  {
    smtpd_reply(s, RP_QQ_START) ;
    smtpd_log_tx(s, "refused", 0, 0, "qq-start") ;
    smtpd_rset(s) ;
    return 0 ;
  }
  /* smtpd_exit withdraws an in-process message cut by the peer (qdirect.c). Every way out of
     the message (refuse, finish, smtpd_bdat_abort) resets s->qd; the others exit the process. */
  s->qd = &d->q ;
  buffer_init(&d->b, &buffer_write, d->q.msgfd, d->buf, sizeof d->buf) ;
  if (!smtpd_received(s, &s->tmp)) smtpd_drop(s, RP_NOMEM, "nomem") ;
  if (buffer_put(&d->b, s->tmp.s, s->tmp.len) < 0) d->writeerr = 1 ;
  return 1 ;
}

void smtpd_msg_refuse (smtpd *s, smtpd_msg *d, char const *reply, char const *reason)
{
  smtpd_qq_abort(&d->q) ;
  s->qd = 0 ;
  s->bdat = 0 ;
  smtpd_reply(s, reply) ;
  smtpd_log_tx(s, "refused", 0, d->size, reason) ;
  smtpd_rset(s) ;
}

int smtpd_msg_check (smtpd *s, smtpd_msg *d)
{
  if (d->toolong) { smtpd_msg_refuse(s, d, RP_TEXT_TOO_LONG, "line-too-long") ; return 0 ; }
  if (d->toobig) { smtpd_msg_refuse(s, d, RP_SIZE, "databytes") ; return 0 ; }
  if (d->hops > SMTPD_HOPS_MAX) { smtpd_msg_refuse(s, d, RP_LOOP, "loop") ; return 0 ; }
  return 1 ;
}

void smtpd_msg_finish (smtpd *s, smtpd_msg *d)
{
  char qid[QUEUE_ID_MAX + 16] ;
  int r ;
  if (d->inheader) endheader(s, d) ;   /* a message that is all header */
  if (!d->writeerr && !buffer_flush(&d->b)) d->writeerr = 1 ;
  if (!smtpd_msg_check(s, d)) return ;
  d->q.failed = d->writeerr ;
  r = smtpd_qq_finish(s, &d->q, &s->tmp, qid, sizeof qid) ;
  if (r < 0) smtpd_drop(s, RP_NOMEM, "nomem") ;
  smtpd_reply(s, s->tmp.s) ;
  if (r) s->naccepted++ ;
  s->bdat = 0 ;
  smtpd_log_tx(s, r ? "accepted" : "refused", qid[0] ? qid : 0, d->size, r ? 0 : s->tmp.s) ;
  s->qd = 0 ;
  smtpd_rset(s) ;
}
