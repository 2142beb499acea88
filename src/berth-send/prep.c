/* ISC license. */
/* Preprocessing (S4 -> S5, doc/send-state.md): todo/<id> becomes state/<id>, in batches. Each
   state file is created afresh and fsynced; then one fsync of state/ for the whole batch (none
   on ext4 and xfs, where the new file's fsync made its name durable: queue_fsync_names); then
   every todo/<id> of the batch is unlinked and todo/ fsynced once; only then are the recipients
   scheduled. A batch costs one fsync per message and one or two per batch.
   Trust: todo/ files are written by berth-queue (queue owner); the envelope is checked again. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/genalloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "send.h"

#define NONE ((size_t)-1)

typedef struct prep_s prep ;
struct prep_s
{
  char id[QUEUE_ID_MAX] ;
  stralloc env ;
  stralloc st ;
  size_t uid, pid, sender ;   /* offsets in env, or NONE */
  size_t nr ;
} ;

static void prep_free (prep *p)
{
  stralloc_free(&p->env) ;
  stralloc_free(&p->st) ;
}

/* A new file every time (a partial one from an earlier run goes first), so that its fsync
   covers its name where queue_fsync_names says so. */
static int writesync (char const *fn, char const *s, size_t len)
{
  int fd ;
  if (unlink(fn) < 0 && errno != ENOENT) return 0 ;
  fd = open(fn, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) ;
  if (fd < 0) return 0 ;
  if (allwrite(fd, s, len) < len || fd_sync(fd) < 0) { fd_close(fd) ; return 0 ; }
  fd_close(fd) ;
  return 1 ;
}

/* Reads todo/<id>, builds the state record in p->st. 1 ok, 0 skip (logged when bad). */
static int build (ctx *c, prep *p)
{
  char todofn[NAMELEN] ;
  char fmt[UINT64_FMT] ;
  size_t i = 0 ;
  stralloc *env = &p->env, *st = &p->st ;
  state_name(todofn, QUEUE_TODO, sizeof(QUEUE_TODO) - 1, p->id) ;
  if (!openslurpclose(env, todofn))
  {
    if (errno != ENOENT) strerr_warnwu2sys("read ", todofn) ;
    return 0 ;
  }
  if (!stralloc_catb(st, "B", 1) || !stralloc_catb(st, fmt, uint64_fmt(fmt, c->now)) || !stralloc_0(st))
    strerr_diefu1sys(111, "allocate") ;
  while (i < env->len && env->s[i])
  {
    char const *f = env->s + i ;
    size_t n = strnlen(f, env->len - i) ;
    if (i + n >= env->len) break ;
    switch (f[0])
    {
      case 'u' : p->uid = i + 1 ; break ;
      case 'p' : p->pid = i + 1 ; break ;
      case 'F' :
        p->sender = i + 1 ;
        if (!stralloc_catb(st, f, n + 1)) strerr_diefu1sys(111, "allocate") ;
        break ;
      case 'T' :
      {
        char rec[2] = { MARK_TODO, 0 } ;
        int chan ;
        if (p->sender == NONE) goto bad ;
        chan = rewrite_rcpt(&c->tmp, f + 1, &c->rw) ;
        if (!chan) strerr_diefu1sys(111, "allocate") ;
        rec[1] = chan == REWRITE_LOCAL ? CHANBYTE_LOCAL : CHANBYTE_REMOTE ;
        if (!stralloc_catb(st, rec, 2)
         || !stralloc_catb(st, c->tmp.s, c->tmp.len + 1)) strerr_diefu1sys(111, "allocate") ;
        p->nr++ ;
        break ;
      }
      default : goto bad ;
    }
    i += n + 1 ;
  }
  if (i >= env->len || p->sender == NONE) goto bad ;
  if (!stralloc_0(st)) strerr_diefu1sys(111, "allocate") ;
  return 1 ;
 bad:
  log_start() ; log_key("event", "bad-envelope") ; log_key("id", p->id) ; log_end() ;
  return 0 ;
}

/* The state file is durable and todo/<id> gone: the message enters memory. 1 + its index. */
static int commit (ctx *c, prep *p)
{
  char fn[NAMELEN] ;
  struct stat sm ;
  int r = state_parse(c, p->id, p->st.s, p->st.len, c->now) ;
  if (!r) strerr_dief2x(111, "internal error parsing the state of ", p->id) ;
  state_name(fn, QUEUE_MESS, sizeof(QUEUE_MESS) - 1, p->id) ;
  log_start() ; log_key("event", "new") ; log_key("id", p->id) ;
  if (stat(fn, &sm) == 0) log_keyu("bytes", sm.st_size) ;
  log_key("uid", p->uid == NONE ? "" : p->env.s + p->uid) ;
  log_key("qp", p->pid == NONE ? "" : p->env.s + p->pid) ;
  log_keyu("rcpts", p->nr) ; log_key("from", p->env.s + p->sender) ; log_end() ;
  msg_check_done(c, (uint32_t)(r - 1)) ;
  return r ;
}

/* At most PREP_BATCH names; returns how many messages entered memory. */
static size_t batch (ctx *c, char const *names, size_t len, genalloc *ps)
{
  size_t n = 0, done = 0 ;
  prep *p ;
  genalloc_setlen(prep, ps, 0) ;
  for (size_t i = 0 ; i < len && n < PREP_BATCH ; i += strlen(names + i) + 1)
  {
    prep z = { .env = STRALLOC_ZERO, .st = STRALLOC_ZERO, .uid = NONE, .pid = NONE, .sender = NONE, .nr = 0 } ;
    char statefn[NAMELEN] ;
    if (strlen(names + i) >= QUEUE_ID_MAX || names[i] == '.') continue ;
    memcpy(z.id, names + i, strlen(names + i) + 1) ;
    if (!build(c, &z)) { prep_free(&z) ; continue ; }
    state_name(statefn, QUEUE_STATE, sizeof(QUEUE_STATE) - 1, z.id) ;
    /* S4 -> S5, first half: the state file durable (while todo exists, it is rewritten) */
    if (!writesync(statefn, z.st.s, z.st.len))
    {
      strerr_warnwu2sys("write ", statefn) ;
      prep_free(&z) ;
      continue ;
    }
    if (!genalloc_append(prep, ps, &z)) strerr_diefu1sys(111, "allocate") ;
    n++ ;
  }
  p = genalloc_s(prep, ps) ;
  if (n && !c->fsnames && queue_syncdir(QUEUE_STATE) < 0)
  {
    strerr_warnwu2sys("sync ", QUEUE_STATE) ;
    for (size_t j = 0 ; j < n ; j++) prep_free(p + j) ;
    return 0 ;
  }
  /* second half: todo/<id> goes; the fsync of todo/ makes that durable before any delivery */
  for (size_t j = 0 ; j < n ; j++)
  {
    char todofn[NAMELEN] ;
    state_name(todofn, QUEUE_TODO, sizeof(QUEUE_TODO) - 1, p[j].id) ;
    if (unlink(todofn) < 0)
    {
      strerr_warnwu2sys("remove ", todofn) ;
      prep_free(p + j) ;
      p[j].id[0] = 0 ;
    }
  }
  if (n && queue_syncdir(QUEUE_TODO) < 0) strerr_diefu2sys(111, "sync ", QUEUE_TODO) ;
  for (size_t j = 0 ; j < n ; j++)
    if (p[j].id[0])
    {
      commit(c, p + j) ;
      prep_free(p + j) ;
      done++ ;
    }
  return done ;
}

/* names: NUL-terminated ids, len bytes in all. */
void state_preprocess_list (ctx *c, char const *names, size_t len)
{
  genalloc ps = GENALLOC_ZERO ;
  size_t i = 0 ;
  while (i < len)
  {
    size_t k = 0, j = i ;
    for (; j < len && k < PREP_BATCH ; k++) j += strlen(names + j) + 1 ;
    batch(c, names + i, j - i, &ps) ;
    i = j ;
  }
  genalloc_free(prep, &ps) ;
}

int state_preprocess (ctx *c, char const *id)
{
  genalloc ps = GENALLOC_ZERO ;
  size_t r = batch(c, id, strlen(id) + 1, &ps) ;
  genalloc_free(prep, &ps) ;
  return r > 0 ;
}
