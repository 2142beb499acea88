/* ISC license. */
/* Binary min-heap of (next attempt, recipient), one per channel. Entries are never removed from
   the middle: an entry whose gen no longer matches its recipient is stale and skipped. */

#include <skalibs/strerr.h>
#include "send.h"

void heap_push (genalloc *g, hent const *e)
{
  hent *h ;
  size_t i ;
  if (!genalloc_append(hent, g, e)) strerr_diefu1sys(111, "allocate") ;
  h = genalloc_s(hent, g) ;
  i = genalloc_len(hent, g) - 1 ;
  while (i)
  {
    size_t p = (i - 1) / 2 ;
    hent t ;
    if (h[p].when <= h[i].when) break ;
    t = h[p] ; h[p] = h[i] ; h[i] = t ;
    i = p ;
  }
}

int heap_top (genalloc const *g, hent *e)
{
  if (!genalloc_len(hent, g)) return 0 ;
  *e = genalloc_s(hent, g)[0] ;
  return 1 ;
}

void heap_pop (genalloc *g)
{
  hent *h = genalloc_s(hent, g) ;
  size_t n = genalloc_len(hent, g) ;
  size_t i = 0 ;
  if (!n) return ;
  h[0] = h[--n] ;
  genalloc_setlen(hent, g, n) ;
  for (;;)
  {
    size_t l = 2 * i + 1, r = l + 1, m = i ;
    hent t ;
    if (l < n && h[l].when < h[m].when) m = l ;
    if (r < n && h[r].when < h[m].when) m = r ;
    if (m == i) break ;
    t = h[m] ; h[m] = h[i] ; h[i] = t ;
    i = m ;
  }
}

void sched_rcpt (ctx *c, uint32_t m, uint32_t r, uint64_t when)
{
  rcpt *rc = RCPT(c, m, r) ;
  hent e = { .when = when, .gen = ++c->genctr, .m = m, .r = r } ;
  rc->next = when ;
  rc->gen = e.gen ;
  rc->st = RC_PENDING ;
  heap_push(&c->ch[rc->chan].heap, &e) ;
}
