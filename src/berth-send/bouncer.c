/* ISC license. */
/* berth-send: runs berth-bounce for each message whose deliveries are over and whose permanent
   failures wait in queue/bounce/<id>; at most BOUNCE_CONC at once, a failed run retried later.
   Exactly once (doc/berth-bounce.md): the bounce of x is queued as xB, and xB is not taken from
   todo/ while queue/bounce/x exists, so a rerun after a crash always sees the committed xB.
   Trust: berth-bounce is our own program, run with berth-send's uid. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/posixplz.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/sibling.h>
#include "send.h"

#define BOUNCE_PROG "berth-bounce"

char const *bouncer_prog (void)
{
  stralloc sa = STRALLOC_ZERO ;   /* found once at start; lives as long as the process */
  char const *x = getenv("BERTH_BOUNCE") ;
  if (x && *x) return x ;
  return berth_sibling(&sa, BOUNCE_PROG) ? sa.s : BOUNCE_PROG ;
}

static void spawn (ctx *c, uint32_t m)
{
  msg *x = MSG(c, m) ;
  char birth[UINT64_FMT] ;
  char const *argv[5] = { c->bounceprog, x->id, x->data.s, birth, 0 } ;
  pid_t pid ;
  birth[uint64_fmt(birth, x->birth / 1000)] = 0 ;
  pid = child_spawn0(argv[0], argv, (char const *const *)environ) ;
  log_start() ; log_key("event", "bounce-start") ; log_key("id", x->id) ;
  if (!pid)
  {
    log_key("status", "unable-to-spawn") ; log_end() ;
    x->bouncenext = c->now + BOUNCE_RETRY_MS ;
    return ;
  }
  log_keyu("pid", pid) ; log_end() ;
  x->bouncepid = pid ;
  if (!genalloc_append(pid_t, &c->bouncepids, &pid)) strerr_diefu1sys(111, "allocate") ;
}

void bouncer_run (ctx *c)
{
  size_t n = genalloc_len(uint32_t, &c->waiting) ;
  uint32_t const *w = genalloc_s(uint32_t, &c->waiting) ;
  for (size_t i = 0 ; i < n && genalloc_len(pid_t, &c->bouncepids) < BOUNCE_CONC ; i++)
  {
    msg *x = MSG(c, w[i]) ;
    if (!x->bouncepid && x->bouncenext <= c->now) spawn(c, w[i]) ;
  }
}

/* The running list is separate from the messages: a message can be removed (its records gone)
   before its berth-bounce's exit is read, and the slot must still be freed. */
int bouncer_reaped (ctx *c, pid_t pid, int wstat)
{
  size_t np = genalloc_len(pid_t, &c->bouncepids), n = genalloc_len(uint32_t, &c->waiting) ;
  pid_t *p = genalloc_s(pid_t, &c->bouncepids) ;
  uint32_t const *w = genalloc_s(uint32_t, &c->waiting) ;
  int e = wait_estatus(wstat) ;
  size_t j = 0 ;
  for (; j < np ; j++) if (p[j] == pid) break ;
  if (j == np) return 0 ;
  p[j] = p[np - 1] ;
  genalloc_setlen(pid_t, &c->bouncepids, np - 1) ;
  log_start() ; log_key("event", "bounce-end") ; log_keyu("pid", pid) ; log_keyu("status", e) ; log_end() ;
  for (size_t i = 0 ; i < n ; i++)
  {
    msg *x = MSG(c, w[i]) ;
    if (x->bouncepid != pid) continue ;
    x->bouncepid = 0 ;
    if (e) x->bouncenext = c->now + (e == 100 ? BOUNCE_RETRY_PERM_MS : BOUNCE_RETRY_MS) ;
    break ;
  }
  return 1 ;
}

/* 1 when id is a bounce "xB" (or "xBB") whose records queue/bounce/x still exist. */
int bouncer_blocks (char const *id)
{
  size_t len = strlen(id) ;
  char fn[sizeof(QUEUE_BOUNCE) + len + 1] ;
  if (!len || id[len - 1] != 'B') return 0 ;
  queue_pathb(fn, QUEUE_BOUNCE, id, len - 1) ;   /* the bounced message's id */
  if (access(fn, F_OK) == 0) return 1 ;
  return errno != ENOENT ;   /* unsure: wait rather than risk a second bounce */
}
