/* ISC license. */
/* DATA: the 354, then the byte-by-byte end-of-data state machine (only <CRLF>.<CRLF> ends;
   bare CR or LF drops the session as qmail does), dot-unstuffing, CRLF stored as LF; the
   stored bytes go to the message store shared with BDAT (msg.c).
   Trust: every byte is the peer's; nothing is held in memory beyond one buffer. */

#include <sys/uio.h>
#include <skalibs/buffer.h>
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

/* One byte through the automaton. */
static void step (smtpd *s, smtpd_msg *d, unsigned int *st, char c)
{
  d->linelen++ ;
  if (d->linelen > SMTPD_TEXTLINE_MAX) d->toolong = 1 ;
  switch (*st)
  {
    case ST_BOL :
      if (c == '.') { *st = ST_DOT ; break ; }
      /* fall through */
    case ST_MID :
      if (c == '\r') *st = ST_CR ;
      else if (c == '\n') *st = ST_BARE ;
      else { smtpd_msg_emit(s, d, c) ; *st = ST_MID ; }
      break ;
    case ST_CR :
      if (c == '\n') { smtpd_msg_emit(s, d, '\n') ; *st = ST_BOL ; d->linelen = 0 ; }
      else *st = ST_BARE ;
      break ;
    case ST_DOT :
      if (c == '\r') *st = ST_DOTCR ;
      else if (c == '\n') *st = ST_BARE ;
      else { smtpd_msg_emit(s, d, c) ; *st = ST_MID ; }   /* the leading dot is removed (4.5.2) */
      break ;
    case ST_DOTCR :
      *st = c == '\n' ? ST_END : ST_BARE ;
      break ;
  }
}

void smtpd_data (smtpd *s, char const *arg, size_t len)
{
  smtpd_msg *d = &s->msg ;
  unsigned int st = ST_BOL ;
  (void)arg ;
  if (len) { smtpd_reply(s, RP_NO_ARG) ; return ; }
  if (s->bdat) { smtpd_reply(s, RP_DATA_AFTER_BDAT) ; return ; }
  if (!s->hasmail) { smtpd_reply(s, RP_NEED_MAIL) ; return ; }
  if (!s->nrcpt) { smtpd_reply(s, RP_NO_VALID_RCPT) ; return ; }
  if (!smtpd_msg_start(s, d)) return ;
  smtpd_reply(s, RP_DATA_GO) ;

  while (st != ST_END && st != ST_BARE)
  {
    struct iovec v[2] ;
    size_t i, used = 0 ;
    if (buffer_isempty(&s->in)) smtpd_fill(s) ;
    buffer_rpeek(&s->in, v) ;
    for (i = 0 ; i < 2 ; i++)
    {
      char const *p = v[i].iov_base ;
      size_t j = 0 ;
      while (j < v[i].iov_len && st != ST_END && st != ST_BARE)
      {
        if (st == ST_MID && !d->inheader)
        {
          size_t k = smtpd_msg_run(s, d, p + j, v[i].iov_len - j) ;
          j += k ;
          if (k) continue ;
        }
        step(s, d, &st, p[j++]) ;
      }
      used += j ;
    }
    buffer_rseek(&s->in, used) ;
  }
  if (st == ST_BARE)
  {
    smtpd_qq_abort(&d->q) ;
    smtpd_log_tx(s, "refused", 0, d->size, "bare-cr-or-lf") ;
    smtpd_drop(s, RP_BARE_LF, "bare-cr-or-lf") ;
  }
  smtpd_msg_finish(s, d) ;
}
