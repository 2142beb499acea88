/* ISC license. */
/* The in-memory message table: allocation, lookup by id, completion, messages waiting for their
   bounce. */

#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include "send.h"

/* The index by id: POSIX tsearch over small entries of their own (the message table moves when
   it grows, so the tree cannot point into it). skalibs' avltree is not used: in 2.13.1.1 its
   deletions fail once the node storage has grown past its base after earlier deletions. */
typedef struct ident_s ident ;
struct ident_s
{
  char id[QUEUE_ID_MAX] ;
  uint32_t m ;
} ;

static int ident_cmp (void const *a, void const *b)
{
  return strcmp(((ident const *)a)->id, ((ident const *)b)->id) ;
}

static ident *ident_find (ctx *c, char const *id)
{
  ident k ;
  void *p ;
  if (strlen(id) >= QUEUE_ID_MAX) return 0 ;
  strcpy(k.id, id) ;
  p = tfind(&k, &c->byid, &ident_cmp) ;
  return p ? *(ident **)p : 0 ;
}

int msg_find (ctx *c, char const *id)
{
  ident *e = ident_find(c, id) ;
  return e ? (int)e->m : -1 ;
}

uint32_t msg_new (ctx *c, char const *id)
{
  uint32_t m ;
  msg *x ;
  size_t nf = genalloc_len(uint32_t, &c->freemsgs) ;
  if (nf)
  {
    m = genalloc_s(uint32_t, &c->freemsgs)[nf - 1] ;
    genalloc_setlen(uint32_t, &c->freemsgs, nf - 1) ;
  }
  else
  {
    msg z = { .data = STRALLOC_ZERO, .rcpts = GENALLOC_ZERO, .used = 0 } ;
    m = genalloc_len(msg, &c->msgs) ;
    if (!genalloc_append(msg, &c->msgs, &z)) strerr_diefu1sys(111, "allocate") ;
  }
  x = MSG(c, m) ;
  x->data.len = 0 ;
  genalloc_setlen(rcpt, &x->rcpts, 0) ;
  x->npending = x->ninflight = 0 ;
  x->waitbounce = 0 ;
  x->bouncepid = 0 ;
  x->bouncenext = 0 ;
  x->used = 1 ;
  x->birth = 0 ;
  strncpy(x->id, id, QUEUE_ID_MAX - 1) ;
  x->id[QUEUE_ID_MAX - 1] = 0 ;
  x->held = hold_exists(x->id) ;
  x->lazy = 0 ;
  x->cost = 0 ;
  {
    ident *e = malloc(sizeof(ident)) ;
    void *p ;
    if (!e) strerr_diefu1sys(111, "allocate") ;
    memcpy(e->id, x->id, QUEUE_ID_MAX) ;
    e->m = m ;
    p = tsearch(e, &c->byid, &ident_cmp) ;
    if (!p) strerr_diefu1sys(111, "allocate") ;
    if (*(ident **)p != e) strerr_dief2x(111, "internal error: a second message with id ", x->id) ;
  }
  return m ;
}

void msg_free (ctx *c, uint32_t m)
{
  msg *x = MSG(c, m) ;
  ident *e = ident_find(c, x->id) ;
  if (e)
  {
    tdelete(e, &c->byid, &ident_cmp) ;
    free(e) ;
  }
  x->used = 0 ;
  c->memused -= x->cost ;
  x->cost = 0 ;
  stralloc_free(&x->data) ;
  genalloc_free(rcpt, &x->rcpts) ;
  if (!genalloc_append(uint32_t, &c->freemsgs, &m)) strerr_diefu1sys(111, "allocate") ;
}

static int bounce_exists (char const *id)
{
  size_t len = strlen(id) ;
  char fn[sizeof(QUEUE_BOUNCE) + len + 1] ;
  queue_path(fn, QUEUE_BOUNCE, id) ;
  if (access(fn, F_OK) == 0) return 1 ;
  return errno == ENOENT ? 0 : 1 ;
}

/* mess first (renamed into pool/, or unlinked); todo (a message still delivered from it) and
   state only once that is durable (msgs_sync), since a sealed mess/ file without them is what a
   reboot leaves of a commit whose link was lost, and berth-send would relink it (doc/queue.md).
   A state or todo file left without its mess/ file is finished on restart (state_load, prep.c),
   whatever its marks, since only this function removes a live message's mess/ file. */
static void msg_remove (ctx *c, uint32_t m)
{
  msg *x = MSG(c, m) ;
  size_t len = strlen(x->id) ;
  char fn[sizeof(QUEUE_MESS) + len + 1] ;
  char pfn[sizeof(QUEUE_POOL) + len + 1] ;
  char kind[2] = { x->lazy ? 'L' : 'S', 'P' } ;
  queue_path(fn, QUEUE_MESS, x->id) ;
  queue_path(pfn, QUEUE_POOL, x->id) ;
  /* kept for reuse under its id, not yet in a slot: a writer must not take it before its todo/
     name is gone (msgs_sync) */
  if (rename(fn, pfn) < 0)
  {
    kind[1] = '-' ;
    if (unlink(fn) < 0 && errno != ENOENT) strerr_warnwu2sys("unlink ", fn) ;
  }
  c->messdirty = 1 ;
  if (!stralloc_catb(&c->gone, kind, 2) || !stralloc_catb(&c->gone, x->id, len + 1))
    strerr_diefu1sys(111, "allocate") ;
  info_forget(x->id) ;
  delay_forget(x->id) ;
  log_start() ; log_key("event", "end") ; log_key("id", x->id) ; log_end() ;
  msg_free(c, m) ;
}

/* unlinks dir/id; a missing file is fine */
void unlink_in (char const *dir, size_t dirlen, char const *id)
{
  size_t len = strlen(id) ;
  char fn[dirlen + len + 2] ;
  queue_path(fn, dir, id) ;
  if (unlink(fn) < 0 && errno != ENOENT) strerr_warnwu2sys("unlink ", fn) ;
}

void msg_check_done (ctx *c, uint32_t m)
{
  msg *x = MSG(c, m) ;
  if (!x->used || x->npending || x->ninflight || x->waitbounce) return ;
  if (bounce_exists(x->id))
  {
    x->waitbounce = 1 ;
    if (!genalloc_append(uint32_t, &c->waiting, &m)) strerr_diefu1sys(111, "allocate") ;
    log_start() ; log_key("event", "bounce-pending") ; log_key("id", x->id) ; log_end() ;
    return ;
  }
  msg_remove(c, m) ;
}

/* 1 when a job of n recipients, ndone of them done, ends message m with no bounce to send:
   its done marks need not be written, the removal (msgs_sync) stands for them. */
int msg_finishes (ctx *c, uint32_t m, size_t ndone, size_t n)
{
  msg *x = MSG(c, m) ;
  return ndone == n && x->npending == ndone && x->ninflight == n && !bounce_exists(x->id) ;
}

/* A removed message file pool/<id> into a free slot (doc/queue.md, "The pool"), or away when
   it is big or two slots are taken. Nothing here needs to be durable: a crash leaves at worst a
   pool/<id>, removed at the next cleanup, or a slot lost until fsck. */
void pool_put (ctx *c, char const *id)
{
  size_t len = strlen(id) ;
  char pfn[sizeof(QUEUE_POOL) + len + 1] ;
  char slot[sizeof(QUEUE_POOL) + QUEUE_POOL_SLOTNAME] ;
  struct stat st ;
  queue_path(pfn, QUEUE_POOL, id) ;
  if (lstat(pfn, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_size <= QUEUE_POOL_FILEMAX)
    for (unsigned int t = 0 ; t < 2 ; t++)
    {
      if (!renameat2(AT_FDCWD, pfn, AT_FDCWD, queue_pool_slot(slot, c->poolnext++), RENAME_NOREPLACE)) return ;
      if (errno != EEXIST) break ;
    }
  if (unlink(pfn) < 0 && errno != ENOENT) strerr_warnwu2sys("unlink ", pfn) ;
}

/* The removals since the last call are durable once mess/ is: a delivered message whose marks
   were skipped cannot come back after a power loss. Then their todo/ and state/ names go, and
   their files to the pool. */
void msgs_sync (ctx *c)
{
  if (!c->messdirty) return ;
  if (queue_syncdir(QUEUE_MESS) < 0) strerr_diefu2sys(111, "sync ", QUEUE_MESS) ;
  for (size_t i = 0 ; i < c->gone.len ; i += strlen(c->gone.s + i) + 1)
  {
    char const *id = c->gone.s + i + 2 ;
    if (c->gone.s[i] == 'L') unlink_in(QUEUE_TODO, sizeof(QUEUE_TODO) - 1, id) ;
    unlink_in(QUEUE_STATE, sizeof(QUEUE_STATE) - 1, id) ;
    if (c->gone.s[i + 1] == 'P') pool_put(c, id) ;
  }
  c->gone.len = 0 ;
  c->messdirty = 0 ;
}

void waiting_check (ctx *c)
{
  size_t n = genalloc_len(uint32_t, &c->waiting) ;
  uint32_t *w = genalloc_s(uint32_t, &c->waiting) ;
  size_t j = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    uint32_t m = w[i] ;
    if (bounce_exists(MSG(c, m)->id)) w[j++] = m ;
    else msg_remove(c, m) ;
  }
  genalloc_setlen(uint32_t, &c->waiting, j) ;
}

void retry_all (ctx *c)
{
  size_t n = genalloc_len(msg, &c->msgs) ;
  for (uint32_t m = 0 ; m < n ; m++)
  {
    msg *x = MSG(c, m) ;
    size_t nr ;
    if (!x->used || x->held) continue ;   /* a held message keeps its schedule */
    nr = genalloc_len(rcpt, &x->rcpts) ;
    for (uint32_t r = 0 ; r < nr ; r++)
      if (RCPT(c, m, r)->st == RC_PENDING) sched_rcpt(c, m, r, c->now) ;
  }
}
