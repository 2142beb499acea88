/* ISC license. */
/* The two channels: jobs out to a spawner (non-blocking, buffered), results back. Every result
   is recorded durably (bounce record, then done mark) before the slot is reused. */

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/strerr.h>
#include "send.h"

static char const *domain_of (char const *addr)
{
  char const *at = strrchr(addr, '@') ;
  return at ? at + 1 : "" ;
}

/* one triple; a remote job's sender and recipient carry their extension params (dsn.c) */
static void job_add (chan *h, unsigned int ch, msg const *x, rcpt const *rc)
{
  char const *none = "" ;
  if (!stralloc_cats(&h->out, x->id) || !stralloc_0(&h->out)) strerr_diefu1sys(111, "allocate") ;
  dsn_job_word(&h->out, x->data.s, ch == CHAN_REMOTE ? x->data.s + x->mparams : none) ;
  dsn_job_word(&h->out, x->data.s + rc->addr, ch == CHAN_REMOTE ? x->data.s + rc->params : none) ;
}

/* a remote recipient of message m that may join a job to domain dom now */
static int due_with (ctx *c, msg const *x, uint32_t m, uint32_t r, char const *dom)
{
  rcpt const *o = RCPT(c, m, r) ;
  return o->chan == CHAN_REMOTE && o->st == RC_PENDING && o->next <= c->now
    && !strcasecmp(domain_of(x->data.s + o->addr), dom) ;
}

static unsigned int slot_free (chan const *h)
{
  unsigned int s = 0 ;
  while (s < SLOTS_MAX && h->slots[s].used) s++ ;
  return s ;
}

static void job_done (ctx *, unsigned int, unsigned int, char const *) ;

/* a job for a destination marked down: its records, each the last failure's text, are the
   result at once; no job goes to the spawner */
static void job_suspended (ctx *c, unsigned int ch, unsigned int s, uint32_t d)
{
  dest const *x = DEST(c, d) ;
  size_t n = genalloc_len(uint32_t, &c->ch[ch].slots[s].rcpts) ;
  c->synth.len = 0 ;
  for (size_t i = 0 ; i < n ; i++)
    if (!stralloc_catb(&c->synth, "Z", 1) || !stralloc_cats(&c->synth, DEST_SUSPENDED)
     || !stralloc_catb(&c->synth, x->last.s, x->last.len) || !stralloc_0(&c->synth)) strerr_diefu1sys(111, "allocate") ;
  job_done(c, ch, s, c->synth.s) ;
}

void chan_dispatch (ctx *c, unsigned int ch)
{
  chan *h = &c->ch[ch] ;
  unsigned int suspended = 0 ;
  while (h->busy < c->conc[ch])
  {
    hent e ;
    msg *x ;
    rcpt *rc ;
    slot *sl ;
    unsigned int s ;
    uint32_t d = DEST_NONE ;
    int admit = DEST_GO ;
    size_t outmark = h->out.len ;
    char sb ;
    if (!heap_top(&h->heap, &e) || e.when > c->now) break ;
    heap_pop(&h->heap) ;
    if (e.m == DEST_WAKE) { dest_wake(c, &e) ; continue ; }
    if (e.m >= genalloc_len(msg, &c->msgs)) continue ;
    x = MSG(c, e.m) ;
    if (!x->used || x->held || e.r >= genalloc_len(rcpt, &x->rcpts)) continue ;
    rc = RCPT(c, e.m, e.r) ;
    if (rc->st != RC_PENDING || rc->gen != e.gen) continue ;
    s = slot_free(h) ;
    if (s >= SLOTS_MAX) { heap_push(&h->heap, &e) ; break ; }
    if (ch == CHAN_REMOTE)
    {
      d = dest_get(c, domain_of(x->data.s + rc->addr)) ;
      if (DEST(c, d)->down > c->now && suspended >= DEST_DEFER_BATCH) { heap_push(&h->heap, &e) ; break ; }
      admit = dest_admit(c, d, &e) ;
      if (admit == DEST_PARK) continue ;
    }
    sl = h->slots + s ;
    sl->used = 1 ;
    sl->m = e.m ;
    sl->start = c->now ;
    sl->dest = admit == DEST_GO ? d : DEST_NONE ;
    genalloc_setlen(uint32_t, &sl->rcpts, 0) ;
    sb = (char)s ;
    if (!stralloc_catb(&h->out, &sb, 1)) strerr_diefu1sys(111, "allocate") ;
    if (ch == CHAN_REMOTE)
    {  /* the popped recipient and the others due for its domain, in the message's order
          (at most REMOTE_GROUP_MAX, the popped one always among them) */
      char const *dom = domain_of(x->data.s + rc->addr) ;
      size_t nr = genalloc_len(rcpt, &x->rcpts), before = 0, skip ;
      for (uint32_t r = 0 ; r < e.r ; r++) before += due_with(c, x, e.m, r, dom) ;
      skip = before >= REMOTE_GROUP_MAX ? before - (REMOTE_GROUP_MAX - 1) : 0 ;
      for (uint32_t r = 0 ; r < nr && genalloc_len(uint32_t, &sl->rcpts) < REMOTE_GROUP_MAX ; r++)
      {
        rcpt *o = RCPT(c, e.m, r) ;
        if (r != e.r && !due_with(c, x, e.m, r, dom)) continue ;
        if (r < e.r && skip) { skip-- ; continue ; }
        if (!genalloc_append(uint32_t, &sl->rcpts, &r)) strerr_diefu1sys(111, "allocate") ;
        o->st = RC_INFLIGHT ; o->tries++ ;
        job_add(h, ch, x, o) ;
      }
      if (rc->st != RC_INFLIGHT) strerr_dief1x(111, "internal error: a job without its recipient") ;
    }
    else
    {
      if (!genalloc_append(uint32_t, &sl->rcpts, &e.r)) strerr_diefu1sys(111, "allocate") ;
      rc->st = RC_INFLIGHT ; rc->tries++ ;
      job_add(h, ch, x, rc) ;
    }
    x->ninflight += genalloc_len(uint32_t, &sl->rcpts) ;
    h->busy++ ;
    if (admit == DEST_DOWN)
    {
      h->out.len = outmark ;
      job_suspended(c, ch, s, d) ;
      suspended++ ;
      continue ;
    }
    if (!stralloc_0(&h->out)) strerr_diefu1sys(111, "allocate") ;
  }
}

int chan_flush (ctx *c, unsigned int ch)
{
  chan *h = &c->ch[ch] ;
  while (h->outpos < h->out.len)
  {
    ssize_t w = fd_write(h->jobfd, h->out.s + h->outpos, h->out.len - h->outpos) ;
    if (w < 0) return error_isagain(errno) ? 1 : 0 ;
    h->outpos += w ;
  }
  h->out.len = h->outpos = 0 ;
  return 1 ;
}

/* records[i] is the i-th recipient's record; returns after recording everything */
static void job_done (ctx *c, unsigned int ch, unsigned int s, char const *rec)
{
  chan *h = &c->ch[ch] ;
  slot *sl = h->slots + s ;
  uint32_t m = sl->m ;
  size_t n = genalloc_len(uint32_t, &sl->rcpts) ;
  uint32_t const *rs = genalloc_s(uint32_t, &sl->rcpts) ;
  uint32_t done[REMOTE_GROUP_MAX] ;
  size_t ndone = 0, ndef = 0, lastdef = 0, lastlen = 0 ;
  char const *lasttext = "" ;
  char const *downtext = 0 ;
  size_t downlen = 0, nok = 0 ;
  char const *p = rec ;
  int over = lifetime_over(c, MSG(c, m)->birth, c->now) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    dsn_res d = { .over = over } ;
    result_record(&p, &d.code, &d.text, &d.tlen, &d.facts, &d.flen) ;
    if (!downtext && d.code != RES_OK && result_sitedown(d.facts, d.flen)) { downtext = d.text ; downlen = d.tlen ; }
    if (d.code == RES_OK) nok++ ;
    dsn_result(c, ch, m, rs[i], &d) ;
    if (d.code == RES_OK || d.code == RES_FAIL || over) done[ndone++] = rs[i] ;
  }
  if (!msg_finishes(c, m, ndone, n)) state_mark(c, m, done, ndone) ;
  p = rec ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char code ;
    logres lr ;
    rcpt *rc = RCPT(c, m, rs[i]) ;
    result_record(&p, &code, &lr.text, &lr.tlen, &lr.facts, &lr.flen) ;
    lr.status = code == RES_OK ? "sent" : code == RES_FAIL ? "bounced" : over ? "expired" : "deferred" ;
    log_delivery(c, ch, m, rs[i], sl->start, &lr) ;
    if (code == RES_OK || code == RES_FAIL || over) rc->st = RC_DONE ;
    else
    {
      /* RFC 5321 4.5.3.1.10: the rest of a transaction the server's recipient limit cut goes in
         a further one at once (another job), not at the next retry */
      int more = ch == CHAN_REMOTE && nok && !over && result_rcptlimit(lr.text, lr.tlen) ;
      sched_rcpt(c, m, rs[i], more ? c->now : chan_retry(c, MSG(c, m)->birth, c->now, ch)) ;
      ndef++ ; lastdef = i ; lasttext = lr.text ; lastlen = lr.tlen ;
      delay_maybe(c, m, rs[i], lr.text, lr.tlen) ;
    }
  }
  MSG(c, m)->ninflight -= n ;
  MSG(c, m)->npending -= ndone ;
  sl->used = 0 ;
  h->busy-- ;
  if (sl->dest != DEST_NONE) dest_done(c, sl->dest, !!downtext, downtext, downlen) ;
  if (ndef) { state_hint(c, m) ; info_write(c, m, rs[lastdef], lasttext, lastlen) ; }
  msg_check_done(c, m) ;
}

/* 1: ok, 0: EOF or error (errno set) */
int chan_results (ctx *c, unsigned int ch)
{
  chan *h = &c->ch[ch] ;
  size_t pos = 0 ;
  int eof = 0 ;
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(&h->in, 4096)) strerr_diefu1sys(111, "allocate") ;
    r = fd_read(h->resfd, h->in.s + h->in.len, 4096) ;
    if (r < 0) { if (error_isagain(errno)) break ; return 0 ; }
    if (!r) { eof = 1 ; break ; }
    h->in.len += r ;
  }
  while (pos < h->in.len)
  {
    unsigned char s = h->in.s[pos] ;
    size_t n ;
    if (s >= SLOTS_MAX || !h->slots[s].used)
      strerr_dief3x(111, "protocol error from the ", h->name, " spawner: unknown slot") ;
    n = result_len(h->in.s + pos, h->in.len - pos, genalloc_len(uint32_t, &h->slots[s].rcpts)) ;
    if (!n) break ;
    job_done(c, ch, s, h->in.s + pos + 1) ;
    pos += n ;
  }
  if (pos)
  {
    memmove(h->in.s, h->in.s + pos, h->in.len - pos) ;
    h->in.len -= pos ;
  }
  if (eof) { errno = EPIPE ; return 0 ; }
  return 1 ;
}
