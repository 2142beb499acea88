/* ISC license. */
/* berth-qctl requeue (postsuper -r): the local/remote classification of a message's pending
   recipients is run again under the control files as they are now (berth-send rereads them
   first, as on SIGHUP), with the rules of preprocessing (prep.c: rewrite_rcpt on the envelope's
   address). A recipient whose channel or address changes is written to the state file (a lazy
   message is materialized, a state file replaced whole: state_rewrite) and scheduled now
   (a held message's are kept for the release). Recipients being delivered keep theirs.
   The address classified is the envelope's original, read from todo/<id> or from mess/<id>'s
   header; when neither has it (an envelope too big for the header, its todo/ file gone), a remote
   recipient's stored address is the original as far as the classification is concerned, and a
   local one keeps its channel (its stored address may already carry a virtual domain's prefix).
   Trust: the envelope was written by berth-queue (queue owner) and checked when preprocessed. */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <berth/envelope.h>
#include <berth/rewrite.h>
#include "send.h"

/* The original envelope of m in env, records alone: 1 when it holds exactly nr recipients. */
static int original (msg const *x, size_t nr, stralloc *env)
{
  char fn[QUEUE_PATH_MAX] ;
  size_t n = 0 ;
  int r ;
  queue_path(fn, QUEUE_TODO, x->id) ;
  r = queue_env_read(fn, env) ;
  if (!r)
  {
    /* mess/<id>: only a file with its header holds an envelope (an older one is the message alone) */
    int fd ;
    env->len = 0 ;
    queue_path(fn, QUEUE_MESS, x->id) ;
    fd = open(fn, O_RDONLY | O_CLOEXEC) ;
    if (fd < 0) return 0 ;
    r = queue_mess_seek(fd) == QUEUE_HEAD ;
    fd_close(fd) ;
    if (!r || !queue_env_read(fn, env)) { env->len = 0 ; return 0 ; }
  }
  for (size_t i = 0 ; i < env->len ; i += strlen(env->s + i) + 1) if (env->s[i] == 'T') n++ ;
  return n == nr ;
}

size_t requeue_msg (ctx *c, uint32_t m, size_t *kept)
{
  stralloc env = STRALLOC_ZERO ;
  size_t nr = genalloc_len(rcpt, &MSG(c, m)->rcpts), changed = 0, e = 0 ;
  int orig ;
  *kept = 0 ;
  conf_read(c, 1) ;
  orig = original(MSG(c, m), nr, &env) ;
  for (uint32_t r = 0 ; r < nr ; r++)
  {
    msg *x = MSG(c, m) ;
    rcpt *rc = RCPT(c, m, r) ;
    char const *from ;
    int chan ;
    if (orig)   /* the r-th T record: preprocessing keeps the envelope's order */
    {
      while (e < env.len && env.s[e] != 'T') e += strlen(env.s + e) + 1 ;
      from = env.s + e + 1 ;
      e += strlen(env.s + e) + 1 ;
    }
    else from = x->data.s + rc->addr ;
    if (rc->st != RC_PENDING) continue ;
    if (!orig && rc->chan == CHAN_LOCAL) { (*kept)++ ; continue ; }
    chan = rewrite_rcpt(&c->tmp, from, &c->rw) ;
    if (!chan) strerr_diefu1sys(111, "allocate") ;
    chan = chan == REWRITE_LOCAL ? CHAN_LOCAL : CHAN_REMOTE ;
    if (chan == rc->chan && !strcmp(c->tmp.s, x->data.s + rc->addr)) continue ;
    rc->addr = x->data.len ;
    rc->chan = chan ;
    if (!stralloc_catb(&x->data, c->tmp.s, c->tmp.len + 1)) strerr_diefu1sys(111, "allocate") ;
    x->cost += c->tmp.len + 1 ;
    c->memused += c->tmp.len + 1 ;
    changed++ ;
  }
  stralloc_free(&env) ;
  if (!changed) return 0 ;
  state_rewrite(c, m) ;
  for (uint32_t r = 0 ; r < nr ; r++)
  {
    rcpt *rc = RCPT(c, m, r) ;
    /* every pending one: the heap entry of a changed one is on its old channel */
    if (rc->st == RC_PENDING) sched_rcpt(c, m, r, MSG(c, m)->held && rc->next > c->now ? rc->next : c->now) ;
  }
  return changed ;
}
