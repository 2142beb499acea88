/* ISC license. */
/* queue/lock/destinations: the state of every destination berth-send knows, one key=value line
   each under berth's log quoting rule, for berth-qread -d. Rewritten (write, rename; never
   fsynced: it is informational) when something changed, at most once per DEST_PUB_MS. A
   destination with no job, nothing waiting and not marked down is forgotten here (Postfix frees
   such a queue too): its next recipient starts it again at the initial window.
   Trust: only berth-send writes the file; the domains in it are escaped by logfield_cat. */

#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/logfield.h>
#include "send.h"

static int idle (ctx const *c, dest const *x)
{
  return !x->active && x->parkpos == genalloc_len(hent, &x->parked) && !x->wakegen && x->down <= c->now && !x->probe ;
}

static void forget (ctx *c, uint32_t d)
{
  dest *x = DEST(c, d) ;
  tdelete(x, &c->destbyname, &dest_cmp) ;
  genalloc_free(hent, &x->parked) ;
  stralloc_free(&x->last) ;
  free(x->name) ;
  free(x) ;
  DEST(c, d) = 0 ;
}

static int catu (stralloc *sa, char const *key, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  return logfield_cat(sa, key, fmt, uint64_fmt(fmt, u)) ;
}

static int line (ctx const *c, stralloc *sa, dest const *x)
{
  char const *state = x->down > c->now ? "down" : x->probe ? "probe" : "up" ;
  size_t start = sa->len ;
  if (!logfield_cat(sa, "domain", x->name, strlen(x->name))
   || !logfield_cat(sa, "state", state, strlen(state))
   || !catu(sa, "window", dest_cap(x)) || !catu(sa, "limit", x->delay ? 1 : x->limit)
   || !catu(sa, "active", x->active)
   || !catu(sa, "waiting", genalloc_len(hent, &x->parked) - x->parkpos)
   || !catu(sa, "delay", x->delay)
   || !catu(sa, "down_until", x->down > c->now ? x->down / 1000 : 0)
   || !catu(sa, "failures", x->failures)
   || !catu(sa, "last_failure", x->lastfail / 1000)
   || !logfield_catq(sa, "text", x->last.s, x->last.len)
   || !stralloc_catb(sa, "\n", 1)) return 0 ;
  memmove(sa->s + start, sa->s + start + 1, sa->len - start - 1) ;   /* no space before the first key */
  sa->len-- ;
  return 1 ;
}

void dest_publish (ctx *c)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t n = genalloc_len(dest *, &c->dests) ;
  if (!c->destdirty || c->now < c->destpub) return ;
  for (uint32_t d = 0 ; d < n ; d++)
  {
    dest *x = DEST(c, d) ;
    if (!x) continue ;
    if (idle(c, x) && !x->failures) { forget(c, d) ; continue ; }
    if (!line(c, &sa, x)) strerr_diefu1sys(111, "allocate") ;
    if (idle(c, x) && x->lastfail + DEST_DEAD_MS / c->scale <= c->now) forget(c, d) ;
  }
  if (!openwritenclose_unsafe(DEST_FILE ".tmp", sa.s, sa.len) || rename(DEST_FILE ".tmp", DEST_FILE) < 0)
  {
    strerr_warnwu2sys("write ", DEST_FILE) ;
    unlink(DEST_FILE ".tmp") ;
  }
  stralloc_free(&sa) ;
  c->destdirty = 0 ;
  c->destpub = c->now + DEST_PUB_MS ;
}

uint64_t dest_deadline (ctx const *c)
{
  return c->destdirty ? c->destpub : UINT64_MAX ;
}
