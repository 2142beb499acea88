/* ISC license. */
/* Preprocessing (S4 -> S4d -> S5, doc/send-state.md). A todo/<id> is read and its recipients are
   scheduled at once, with no file written: the message is delivered from todo/<id> ("lazy").
   If every recipient is delivered at the first try, the removal takes todo/<id> with mess/<id>
   and no state file ever exists. The first result that needs a durable record (a deferral, a
   bounce, a mark while other recipients remain) first writes state/<id> afresh and fsyncs it,
   then unlinks todo/<id> and fsyncs todo/ (state_materialize): from there on, as before.
   Trust: todo/ files are written by berth-queue (queue owner); the envelope is checked again,
   and an entry that is malformed or over the envelope limits is quarantined (quarantine.c),
   never retried: at most envelopebytes of it are ever read. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/envelope.h>
#include <berth/envext.h>
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
  uint64_t bytes ;   /* the message's, without the queue header */
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
  char todofn[QUEUE_PATH_MAX], messfn[QUEUE_PATH_MAX] ;
  char fmt[UINT64_FMT] ;
  size_t i = 0 ;
  char last = 0 ;   /* the record before: an E or R record may follow only F or T */
  stralloc *env = &p->env, *st = &p->st ;
  struct stat sm ;
  int r ;
  queue_path(todofn, QUEUE_TODO, p->id) ;
  queue_path(messfn, QUEUE_MESS, p->id) ;
  if (stat(messfn, &sm) < 0)
  {
    if (errno != ENOENT) { strerr_warnwu2sys("stat ", messfn) ; return 0 ; }
    /* berth-queue writes mess/<id> before todo/<id>: this is a removal (msgs.c) cut short;
       a state file it left beside todo/<id> (one being written when a crash came) goes too */
    if (unlink(todofn) < 0 && errno != ENOENT) strerr_warnwu2sys("unlink ", todofn) ;
    unlink_in(QUEUE_STATE, sizeof(QUEUE_STATE) - 1, p->id) ;
    log_start() ; log_key("event", "end") ; log_key("id", p->id) ; log_end() ;
    return 0 ;
  }
  r = queue_env_readmax(todofn, env, c->envbytes + SEND_ENV_SLACK) ;
  if (!r)
  {
    if (errno == EPROTO) goto bad ;
    if (errno == EFBIG)
    {
      quarantine(c, QUEUE_TODO, p->id, "envelope-too-big", "envelope over control/envelopebytes: quarantined, never delivered") ;
      return 0 ;
    }
    if (errno != ENOENT) strerr_warnwu2sys("read ", todofn) ;
    return 0 ;
  }
  if (r == 2) p->bytes = sm.st_size > QUEUE_HEAD ? sm.st_size - QUEUE_HEAD : 0 ;   /* todo/<id> is mess/<id>, header and all */
  else
  {
    /* an envelope file: the message file may still have a header (an envelope too big for it) */
    off_t start = 0 ;
    int fd = open(messfn, O_RDONLY | O_CLOEXEC) ;
    if (fd >= 0) { start = queue_mess_seek(fd) ; fd_close(fd) ; }
    p->bytes = sm.st_size > start && start >= 0 ? sm.st_size - start : 0 ;
  }
  if (!stralloc_catb(st, "B", 1) || !stralloc_catb(st, fmt, uint64_fmt(fmt, c->now)) || !stralloc_0(st))
    strerr_diefu1sys(111, "allocate") ;
  while (i < env->len && env->s[i])
  {
    char const *f = env->s + i ;
    size_t n = strnlen(f, env->len - i) ;
    if (i + n >= env->len) break ;
    /* an extension record, kept in the state file: E right after F, R right after a T */
    if ((f[0] == ENVEXT_MAIL && last == 'F') || (f[0] == ENVEXT_RCPT && last == 'T'))
    {
      if (!envext_ok(f + 1, n - 1)) goto bad ;
      if (!stralloc_catb(st, f, n + 1)) strerr_diefu1sys(111, "allocate") ;
      last = f[0] ; i += n + 1 ;
      continue ;
    }
    last = f[0] ;
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
        if (p->nr >= c->envrcpts)
        {
          quarantine(c, QUEUE_TODO, p->id, "too-many-recipients", "more recipients than control/enveloperecipients: quarantined, never delivered") ;
          return 0 ;
        }
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
  quarantine(c, QUEUE_TODO, p->id, "malformed", "malformed envelope: quarantined, never delivered") ;
  return 0 ;
}

/* The message enters memory, delivered from todo/<id>. 1 + its index. */
static int commit (ctx *c, prep *p)
{
  int r = state_parse(c, p->id, p->st.s, p->st.len, c->now) ;
  if (!r) strerr_dief2x(111, "internal error parsing the state of ", p->id) ;
  MSG(c, r - 1)->lazy = 1 ;
  log_start() ; log_key("event", "new") ; log_key("id", p->id) ;
  log_keyu("bytes", p->bytes) ;
  log_key("uid", p->uid == NONE ? "" : p->env.s + p->uid) ;
  log_key("qp", p->pid == NONE ? "" : p->env.s + p->pid) ;
  log_keyu("rcpts", p->nr) ; log_key("from", p->env.s + p->sender) ; log_end() ;
  msg_check_done(c, (uint32_t)(r - 1)) ;
  return r ;
}

/* names: NUL-terminated ids, len bytes in all (the caller bounds how many: todo_step); returns
   how many messages entered memory. An id already in memory is skipped. */
static size_t readin (ctx *c, char const *names, size_t len)
{
  size_t done = 0 ;
  for (size_t i = 0 ; i < len ; i += strlen(names + i) + 1)
  {
    prep z = { .env = STRALLOC_ZERO, .st = STRALLOC_ZERO, .uid = NONE, .pid = NONE, .sender = NONE, .nr = 0 } ;
    if (names[i] == '.') continue ;
    if (strlen(names + i) >= QUEUE_ID_MAX || !queue_id_ok(names + i))
    {
      /* no spawner takes it ("Invalid queue id"): it would be retried until queuelifetime */
      quarantine(c, QUEUE_TODO, names + i, "invalid-id", "not a queue id: quarantined, never delivered") ;
      continue ;
    }
    if (msg_find(c, names + i) >= 0) continue ;
    memcpy(z.id, names + i, strlen(names + i) + 1) ;
    if (build(c, &z)) { commit(c, &z) ; done++ ; }
    prep_free(&z) ;
  }
  return done ;
}

/* An extension record (doc/send-state.md), only when there are params: 1, or 0 (memory). */
static int ext (stralloc *st, char letter, char const *params)
{
  return !*params || (stralloc_catb(st, &letter, 1) && stralloc_cats(st, params) && stralloc_0(st)) ;
}

/* The state file of message m as memory holds it: every recipient T except those done and the
   n recipients r[] (D: their outcome is already durable, as for state_mark); each recipient's
   markoff is set to its place in it. */
static void state_text (ctx *c, uint32_t m, uint32_t const *r, size_t n, stralloc *st)
{
  msg *x = MSG(c, m) ;
  size_t nr = genalloc_len(rcpt, &x->rcpts) ;
  char fmt[UINT64_FMT] ;
  if (!stralloc_catb(st, "B", 1) || !stralloc_catb(st, fmt, uint64_fmt(fmt, x->birth)) || !stralloc_0(st)
   || !stralloc_catb(st, "F", 1) || !stralloc_catb(st, x->data.s, strlen(x->data.s) + 1)
   || !ext(st, ENVEXT_MAIL, x->data.s + x->mparams))
    strerr_diefu1sys(111, "allocate") ;
  for (uint32_t i = 0 ; i < nr ; i++)
  {
    rcpt *rc = RCPT(c, m, i) ;
    char rec[2] = { rc->st == RC_DONE ? MARK_DONE : MARK_TODO, rc->chan == CHAN_LOCAL ? CHANBYTE_LOCAL : CHANBYTE_REMOTE } ;
    for (size_t j = 0 ; j < n ; j++) if (r[j] == i) rec[0] = MARK_DONE ;
    rc->markoff = st->len ;
    if (!stralloc_catb(st, rec, 2) || !stralloc_catb(st, x->data.s + rc->addr, strlen(x->data.s + rc->addr) + 1)
     || !ext(st, ENVEXT_RCPT, x->data.s + rc->params))
      strerr_diefu1sys(111, "allocate") ;
  }
  if (!stralloc_0(st)) strerr_diefu1sys(111, "allocate") ;
}

/* S4d -> S5: the state file of lazy message m (state_text), fsynced as a new file (and state/
   where that does not cover the name), then todo/<id> unlinked and todo/ fsynced.
   A crash before that last fsync leaves todo/<id>: the message is read from it again. */
void state_materialize (ctx *c, uint32_t m, uint32_t const *r, size_t n)
{
  msg *x = MSG(c, m) ;
  stralloc st = STRALLOC_ZERO ;
  char fn[QUEUE_PATH_MAX] ;
  state_text(c, m, r, n, &st) ;
  queue_path(fn, QUEUE_STATE, x->id) ;
  if (!writesync(fn, st.s, st.len)) strerr_diefu2sys(111, "write ", fn) ;
  stralloc_free(&st) ;
  if (!c->fsnames && queue_syncdir(QUEUE_STATE) < 0) strerr_diefu2sys(111, "sync ", QUEUE_STATE) ;
  queue_path(fn, QUEUE_TODO, x->id) ;
  if (unlink(fn) < 0 && errno != ENOENT) strerr_diefu2sys(111, "unlink ", fn) ;
  if (queue_syncdir(QUEUE_TODO) < 0) strerr_diefu2sys(111, "sync ", QUEUE_TODO) ;
  x->lazy = 0 ;
}

/* After a requeue changed recipients' channels or addresses: the state file as memory now holds
   it. A lazy message is materialized; otherwise the new file is written aside as state/.<id>
   (state_load skips dot names: a leftover after a crash is never read), fsynced, renamed over
   state/<id>, state/ fsynced: a crash leaves the old file or the new one, each whole. On failure
   berth-send exits (111): memory already has the new record offsets, the file must match. */
void state_rewrite (ctx *c, uint32_t m)
{
  msg *x = MSG(c, m) ;
  stralloc st = STRALLOC_ZERO ;
  char fn[QUEUE_PATH_MAX], tmp[QUEUE_PATH_MAX + 1] ;
  if (x->lazy) { state_materialize(c, m, 0, 0) ; return ; }
  state_text(c, m, 0, 0, &st) ;
  queue_path(fn, QUEUE_STATE, x->id) ;
  memcpy(tmp, QUEUE_STATE "/.", sizeof(QUEUE_STATE) + 1) ;
  strcpy(tmp + sizeof(QUEUE_STATE) + 1, x->id) ;
  if (!writesync(tmp, st.s, st.len)) strerr_diefu2sys(111, "write ", tmp) ;
  stralloc_free(&st) ;
  if (rename(tmp, fn) < 0) strerr_diefu4sys(111, "rename ", tmp, " to ", fn) ;
  if (queue_syncdir(QUEUE_STATE) < 0) strerr_diefu2sys(111, "sync ", QUEUE_STATE) ;
  state_hint(c, m) ;
}

void state_preprocess_list (ctx *c, char const *names, size_t len)
{
  readin(c, names, len) ;
}

int state_preprocess (ctx *c, char const *id)
{
  return readin(c, id, strlen(id) + 1) > 0 ;
}
