/* ISC license. */
/* Polite delivery: per-destination windows with Postfix's concurrency feedback, rate delays and
   dead destinations (send.h, "dest.c"; doc/berth-send.md, "Polite delivery").
   Trust: domains come from the queue (any sender): they are only compared and stored, never
   interpreted; the feedback comes from our spawner's facts. */

#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include "send.h"

int dest_cmp (void const *a, void const *b)
{
  return strcmp(((dest const *)a)->name, ((dest const *)b)->name) ;
}

/* the limit and delay of name: its control/destinations line (domain:concurrency:delay, the
   domain exact or a .suffix; an empty field takes the default), else the defaults */
static void dest_limits (ctx const *c, dest *x)
{
  char const *v = control_mapfind(c->destmap.s, c->destmap.len, x->name, 1) ;
  unsigned long conc = c->destconc, delay = c->ratedelay ;
  if (v)
  {
    size_t n = ulong_scan(v, &conc) ;
    if (!n) conc = c->destconc ;
    v += n ;
    if (*v == ':' && !ulong_scan(v + 1, &delay)) delay = c->ratedelay ;
  }
  x->limit = conc > SLOTS_MAX ? SLOTS_MAX : conc ;
  x->delay = delay ;
}

unsigned int dest_cap (dest const *x)
{
  unsigned int cap = x->delay ? 1 : x->win < x->limit ? x->win : x->limit ;
  if (x->probe && cap > 1) cap = 1 ;
  return x->limit ? cap : 0 ;
}

uint32_t dest_get (ctx *c, char const *domain)
{
  dest k, *x ;
  void *p ;
  uint32_t d ;
  size_t n = genalloc_len(dest *, &c->dests) ;
  size_t len = strlen(domain) ;
  char name[len + 1] ;
  memcpy(name, domain, len + 1) ;
  case_lowerb(name, len) ;
  k.name = name ;
  p = tfind(&k, &c->destbyname, &dest_cmp) ;
  if (p) return (*(dest **)p)->idx ;
  for (d = 0 ; d < n && DEST(c, d) ; d++) ;
  x = calloc(1, sizeof(dest)) ;
  if (!x || !(x->name = strdup(name))) strerr_diefu1sys(111, "allocate") ;
  x->parked = (genalloc)GENALLOC_ZERO ;
  x->last = (stralloc)STRALLOC_ZERO ;
  x->win = DEST_INIT_CONC ;
  x->idx = d ;
  dest_limits(c, x) ;
  if (d == n && !genalloc_append(dest *, &c->dests, &x)) strerr_diefu1sys(111, "allocate") ;
  DEST(c, d) = x ;
  if (!tsearch(x, &c->destbyname, &dest_cmp)) strerr_diefu1sys(111, "allocate") ;
  c->destdirty = 1 ;
  return d ;
}

/* back into the heap: up to room entries still valid (their recipient pending, same gen) */
void dest_unpark (ctx *c, dest *x, size_t room)
{
  size_t n = genalloc_len(hent, &x->parked) ;
  hent *h = genalloc_s(hent, &x->parked) ;
  while (room && x->parkpos < n)
  {
    hent e = h[x->parkpos++] ;
    msg *m ;
    rcpt *rc ;
    if (e.m >= genalloc_len(msg, &c->msgs)) continue ;
    m = MSG(c, e.m) ;
    if (!m->used || e.r >= genalloc_len(rcpt, &m->rcpts)) continue ;
    rc = RCPT(c, e.m, e.r) ;
    if (rc->st != RC_PENDING || rc->gen != e.gen) continue ;
    heap_push(&c->ch[CHAN_REMOTE].heap, &e) ;
    room-- ;
  }
  if (x->parkpos == n) { genalloc_setlen(hent, &x->parked, 0) ; x->parkpos = 0 ; }
  else if (x->parkpos > 4096 && x->parkpos > n / 2)
  {
    memmove(h, h + x->parkpos, (n - x->parkpos) * sizeof(hent)) ;
    genalloc_setlen(hent, &x->parked, n - x->parkpos) ;
    x->parkpos = 0 ;
  }
}

static size_t room (dest const *x)
{
  unsigned int cap = dest_cap(x) ;
  return cap > x->active ? cap - x->active : 0 ;
}

static void park (ctx *c, uint32_t d, hent const *e)
{
  dest *x = DEST(c, d) ;
  if (!genalloc_append(hent, &x->parked, e)) strerr_diefu1sys(111, "allocate") ;
  if (x->delay && !x->active && x->nextstart > c->now && !x->wakegen)
  {
    hent w = { .when = x->nextstart, .gen = ++c->genctr, .m = DEST_WAKE, .r = d } ;
    x->wakegen = w.gen ;
    heap_push(&c->ch[CHAN_REMOTE].heap, &w) ;
  }
}

int dest_admit (ctx *c, uint32_t d, hent const *e)
{
  dest *x = DEST(c, d) ;
  if (x->down)
  {
    if (c->now < x->down) return DEST_DOWN ;
    x->down = 0 ; x->probe = 1 ; c->destdirty = 1 ;
  }
  if (x->active >= dest_cap(x) || (x->delay && c->now < x->nextstart)) { park(c, d, e) ; return DEST_PARK ; }
  x->active++ ;
  if (x->delay) x->nextstart = c->now + x->delay ;
  c->destdirty = 1 ;
  return DEST_GO ;
}

void dest_wake (ctx *c, hent const *e)
{
  dest *x ;
  if (e->r >= genalloc_len(dest *, &c->dests) || !(x = DEST(c, e->r)) || x->wakegen != e->gen) return ;
  x->wakegen = 0 ;
  dest_unpark(c, x, room(x)) ;
}

/* Postfix's feedback: +1/window per success, -1/window per failure, applied as whole steps */
static void feedback (ctx *c, dest *x, int down, char const *text, size_t len)
{
  if (!down)
  {
    x->cohort = 0 ; x->failures = 0 ; x->fail = 0 ;
    if (x->probe) { x->probe = 0 ; x->win = DEST_INIT_CONC ; x->succ = 0 ; return ; }
    if (++x->succ >= x->win) { x->succ = 0 ; if (x->win < x->limit) x->win++ ; }
    return ;
  }
  x->failures++ ;
  x->lastfail = c->now ;
  x->last.len = 0 ;
  if (!stralloc_catb(&x->last, text, len)) strerr_diefu1sys(111, "allocate") ;
  x->succ = 0 ;
  x->cohort += DEST_COHORT_UNIT / (x->win ? x->win : 1) ;
  if (x->probe || x->cohort >= DEST_COHORT_UNIT * DEST_COHORT_LIMIT)
  {
    x->down = c->now + DEST_DEAD_MS / c->scale ;
    if (x->down <= c->now) x->down = c->now + 1 ;
    x->probe = 0 ; x->win = 1 ; x->cohort = 0 ; x->fail = 0 ;
    return ;
  }
  if (++x->fail >= x->win) { x->fail = 0 ; if (x->win > 1) x->win-- ; }
}

void dest_done (ctx *c, uint32_t d, int down, char const *text, size_t len)
{
  dest *x = DEST(c, d) ;
  if (x->active) x->active-- ;
  feedback(c, x, down, text, len) ;
  c->destdirty = 1 ;
  /* down: what waits is deferred without a connection as it comes out of the heap */
  dest_unpark(c, x, x->down ? (size_t)-1 : room(x)) ;
}

void dest_conf (ctx *c)
{
  size_t n = genalloc_len(dest *, &c->dests) ;
  for (size_t d = 0 ; d < n ; d++)
  {
    dest *x = DEST(c, d) ;
    if (!x) continue ;
    dest_limits(c, x) ;
    if (x->win > x->limit && x->limit) x->win = x->limit ;
    dest_unpark(c, x, room(x)) ;
  }
  c->destdirty = 1 ;
}
