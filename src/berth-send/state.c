/* ISC license. */
/* Durable per-message state: queue/state/<id>, written once from todo/<id>, then changed only
   by one-byte in-place marks (fsynced). doc/send-state.md has the format and crash argument. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "send.h"

static void mkname (char *fn, char const *dir, size_t dirlen, char const *id)
{
  memcpy(fn, dir, dirlen) ;
  fn[dirlen] = '/' ;
  strcpy(fn + dirlen + 1, id) ;
}
#define NAMELEN (sizeof(QUEUE_STATE) + QUEUE_ID_MAX + 1)

/* Parses a state file into a new message; pending recipients are scheduled at when. */
static int parse_state (ctx *c, char const *id, char const *s, size_t len, uint64_t when)
{
  uint32_t m ;
  msg *x ;
  size_t i = 0, n ;
  uint64_t birth ;
  if (len < 2 || s[len-1] || s[len-2] || s[0] != 'B') return 0 ;
  n = uint64_scan(s + 1, &birth) ;
  if (!n || s[1 + n]) return 0 ;
  i = n + 2 ;
  if (i >= len || s[i] != 'F') return 0 ;
  m = msg_new(c, id) ;
  x = MSG(c, m) ;
  x->birth = birth ;
  n = strlen(s + i + 1) ;
  if (!stralloc_catb(&x->data, s + i + 1, n + 1)) strerr_diefu1sys(111, "allocate") ;
  i += n + 2 ;
  while (i < len && s[i])
  {
    rcpt r = { .markoff = i, .st = RC_DONE, .tries = 0, .next = 0, .gen = 0 } ;
    n = strlen(s + i) ;
    if (n < 2 || (s[i] != MARK_TODO && s[i] != MARK_DONE) || (s[i+1] != CHANBYTE_LOCAL && s[i+1] != CHANBYTE_REMOTE))
    {
      msg_free(c, m) ;
      return 0 ;
    }
    r.chan = s[i+1] == CHANBYTE_LOCAL ? CHAN_LOCAL : CHAN_REMOTE ;
    r.addr = x->data.len ;
    if (!stralloc_catb(&x->data, s + i + 2, n - 1)) strerr_diefu1sys(111, "allocate") ;
    if (!genalloc_append(rcpt, &x->rcpts, &r)) strerr_diefu1sys(111, "allocate") ;
    if (s[i] == MARK_TODO)
    {
      x->npending++ ;
      sched_rcpt(c, m, genalloc_len(rcpt, &x->rcpts) - 1, when) ;
      x = MSG(c, m) ;
    }
    i += n + 1 ;
  }
  return 1 + (int)m ;
}

static int writesync (char const *fn, char const *s, size_t len)
{
  int fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) ;
  if (fd < 0) return 0 ;
  if (allwrite(fd, s, len) < len || fd_sync(fd) < 0) { fd_close(fd) ; return 0 ; }
  fd_close(fd) ;
  return 1 ;
}

int state_preprocess (ctx *c, char const *id)
{
  char todofn[NAMELEN], statefn[NAMELEN] ;
  stralloc env = STRALLOC_ZERO ;
  stralloc st = STRALLOC_ZERO ;
  char const *uid = "", *pid = "", *sender = 0 ;
  size_t i = 0, nr = 0 ;
  int r ;
  char fmt[UINT64_FMT] ;
  if (strlen(id) >= QUEUE_ID_MAX || id[0] == '.') return 0 ;
  mkname(todofn, QUEUE_TODO, sizeof(QUEUE_TODO) - 1, id) ;
  mkname(statefn, QUEUE_STATE, sizeof(QUEUE_STATE) - 1, id) ;
  if (!openslurpclose(&env, todofn))
  {
    if (errno != ENOENT) strerr_warnwu2sys("read ", todofn) ;
    return 0 ;
  }
  if (!stralloc_catb(&st, "B", 1) || !stralloc_catb(&st, fmt, uint64_fmt(fmt, c->now)) || !stralloc_0(&st))
    strerr_diefu1sys(111, "allocate") ;
  while (i < env.len && env.s[i])
  {
    char const *f = env.s + i ;
    size_t n = strnlen(f, env.len - i) ;
    if (i + n >= env.len) break ;
    switch (f[0])
    {
      case 'u' : uid = f + 1 ; break ;
      case 'p' : pid = f + 1 ; break ;
      case 'F' :
        sender = f + 1 ;
        if (!stralloc_catb(&st, f, n + 1)) strerr_diefu1sys(111, "allocate") ;
        break ;
      case 'T' :
      {
        char rec[2] = { MARK_TODO, 0 } ;
        int chan ;
        if (!sender) goto bad ;
        chan = rewrite_rcpt(&c->tmp, f + 1, &c->rw) ;
        if (!chan) strerr_diefu1sys(111, "allocate") ;
        rec[1] = chan == REWRITE_LOCAL ? CHANBYTE_LOCAL : CHANBYTE_REMOTE ;
        if (!stralloc_catb(&st, rec, 2)
         || !stralloc_catb(&st, c->tmp.s, c->tmp.len + 1)) strerr_diefu1sys(111, "allocate") ;
        nr++ ;
        break ;
      }
      default : goto bad ;
    }
    i += n + 1 ;
  }
  if (i >= env.len || !sender) goto bad ;
  if (!stralloc_0(&st)) strerr_diefu1sys(111, "allocate") ;

  /* S4 -> S5: state durable before todo goes; while todo exists, state is rewritten */
  if (!writesync(statefn, st.s, st.len) || queue_syncdir(QUEUE_STATE) < 0)
  {
    strerr_warnwu2sys("write ", statefn) ;
    goto fail ;
  }
  if (unlink(todofn) < 0 || queue_syncdir(QUEUE_TODO) < 0)
  {
    strerr_warnwu2sys("remove ", todofn) ;
    goto fail ;
  }
  r = parse_state(c, id, st.s, st.len, c->now) ;
  if (!r) strerr_dief2x(111, "internal error parsing ", statefn) ;
  log_start() ; log_key("event", "new") ; log_key("id", id) ; log_key("uid", uid) ; log_key("qp", pid) ;
  log_keyu("rcpts", nr) ; log_key("from", sender) ; log_end() ;
  stralloc_free(&env) ; stralloc_free(&st) ;
  msg_check_done(c, (uint32_t)(r - 1)) ;
  return 1 ;
 bad:
  log_start() ; log_key("event", "bad-envelope") ; log_key("id", id) ; log_end() ;
 fail:
  stralloc_free(&env) ; stralloc_free(&st) ;
  return 0 ;
}

int state_load (ctx *c, char const *id)
{
  char fn[NAMELEN] ;
  struct stat sta ;
  uint64_t when = c->now ;
  int r ;
  if (strlen(id) >= QUEUE_ID_MAX || id[0] == '.') return 0 ;
  mkname(fn, QUEUE_STATE, sizeof(QUEUE_STATE) - 1, id) ;
  c->tmp.len = 0 ;
  if (stat(fn, &sta) < 0 || !openslurpclose(&c->tmp, fn))
  {
    strerr_warnwu2sys("read ", fn) ;
    return 0 ;
  }
  {
    uint64_t mt = (uint64_t)sta.st_mtim.tv_sec * 1000 + sta.st_mtim.tv_nsec / 1000000 ;
    if (mt > when) when = mt ;
  }
  r = parse_state(c, id, c->tmp.s, c->tmp.len, when) ;
  if (!r)
  {
    log_start() ; log_key("event", "bad-state") ; log_key("id", id) ; log_end() ;
    return 0 ;
  }
  msg_check_done(c, (uint32_t)(r - 1)) ;
  return 1 ;
}

void state_mark (ctx *c, uint32_t m, uint32_t const *r, size_t n)
{
  char fn[NAMELEN] ;
  int fd ;
  if (!n) return ;
  mkname(fn, QUEUE_STATE, sizeof(QUEUE_STATE) - 1, MSG(c, m)->id) ;
  fd = open(fn, O_WRONLY | O_CLOEXEC) ;
  if (fd < 0) strerr_diefu2sys(111, "open ", fn) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char b = MARK_DONE ;
    if (pwrite(fd, &b, 1, RCPT(c, m, r[i])->markoff) != 1) strerr_diefu2sys(111, "mark ", fn) ;
  }
  if (fdatasync(fd) < 0) strerr_diefu2sys(111, "sync ", fn) ;
  fd_close(fd) ;
}

/* the file's mtime is the earliest next attempt: a restart resumes the schedule (best effort) */
void state_hint (ctx *c, uint32_t m)
{
  msg *x = MSG(c, m) ;
  size_t n = genalloc_len(rcpt, &x->rcpts) ;
  uint64_t t = 0 ;
  char fn[NAMELEN] ;
  struct timespec ts[2] ;
  for (size_t i = 0 ; i < n ; i++)
  {
    rcpt *rc = RCPT(c, m, i) ;
    if (rc->st == RC_PENDING && (!t || rc->next < t)) t = rc->next ;
  }
  if (!t) return ;
  ts[0].tv_sec = ts[1].tv_sec = t / 1000 ;
  ts[0].tv_nsec = ts[1].tv_nsec = (t % 1000) * 1000000 ;
  mkname(fn, QUEUE_STATE, sizeof(QUEUE_STATE) - 1, x->id) ;
  utimensat(AT_FDCWD, fn, ts, 0) ;
}
