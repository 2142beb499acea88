/* ISC license. */
/* Durable per-message state: queue/state/<id>, written once (prep.c: state_materialize), then
   changed only by one-byte in-place marks (fsynced). doc/send-state.md has the format and crash argument. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/envext.h>
#include "send.h"

/* 1 when s is a whole state file: B, F, then records, and its end exactly where the last empty
   record says. A state file a crash cut short (empty, its size without its blocks, a block of
   zeros) never passes: a zero byte where a record should go ends the list early. */
int state_whole (char const *s, size_t len)
{
  size_t i, n ;
  uint64_t birth ;
  if (len < 2 || s[len-1] || s[len-2] || s[0] != 'B') return 0 ;
  n = uint64_scan(s + 1, &birth) ;
  if (!n || s[1 + n]) return 0 ;
  i = n + 2 ;
  if (i >= len || s[i] != 'F') return 0 ;
  i += strlen(s + i) + 1 ;
  if (i < len && s[i] == ENVEXT_MAIL) i += strlen(s + i) + 1 ;
  while (i < len && s[i])
  {
    n = strlen(s + i) ;
    if (n < 2 || (s[i] != MARK_TODO && s[i] != MARK_DONE) || (s[i+1] != CHANBYTE_LOCAL && s[i+1] != CHANBYTE_REMOTE))
      return 0 ;
    i += n + 1 ;
    if (i < len && s[i] == ENVEXT_RCPT) i += strlen(s + i) + 1 ;
  }
  return i == len - 1 ;
}

/* The params of the extension record (letter) at s[*i], or "": appended to data with their
   NUL; *i moves past the record. Returns their offset in data. */
static size_t extparams (stralloc *data, char const *s, size_t *i, char letter)
{
  size_t off = data->len ;
  char const *p = s[*i] == letter ? s + *i + 1 : "" ;
  if (!stralloc_catb(data, p, strlen(p) + 1)) strerr_diefu1sys(111, "allocate") ;
  if (s[*i] == letter) *i += strlen(s + *i) + 1 ;
  return off ;
}

/* Parses a state file into a new message; pending recipients are scheduled at when. */
int state_parse (ctx *c, char const *id, char const *s, size_t len, uint64_t when)
{
  uint32_t m ;
  msg *x ;
  size_t i, n ;
  uint64_t birth ;
  if (!state_whole(s, len)) return 0 ;
  n = uint64_scan(s + 1, &birth) ;
  i = n + 2 ;
  m = msg_new(c, id) ;
  x = MSG(c, m) ;
  x->birth = birth ;
  n = strlen(s + i + 1) ;
  if (!stralloc_catb(&x->data, s + i + 1, n + 1)) strerr_diefu1sys(111, "allocate") ;
  i += n + 2 ;
  x->mparams = extparams(&x->data, s, &i, ENVEXT_MAIL) ;
  while (s[i])
  {
    rcpt r = { .markoff = i, .st = RC_DONE, .tries = 0, .next = 0, .gen = 0 } ;
    size_t mark = i ;
    n = strlen(s + i) ;
    r.chan = s[i+1] == CHANBYTE_LOCAL ? CHAN_LOCAL : CHAN_REMOTE ;
    r.addr = x->data.len ;
    if (!stralloc_catb(&x->data, s + i + 2, n - 1)) strerr_diefu1sys(111, "allocate") ;
    i += n + 1 ;
    r.params = extparams(&x->data, s, &i, ENVEXT_RCPT) ;
    if (!genalloc_append(rcpt, &x->rcpts, &r)) strerr_diefu1sys(111, "allocate") ;
    if (s[mark] == MARK_TODO)
    {
      x->npending++ ;
      sched_rcpt(c, m, genalloc_len(rcpt, &x->rcpts) - 1, when) ;
      x = MSG(c, m) ;
    }
  }
  x->cost = sizeof(msg) + x->data.len + genalloc_len(rcpt, &x->rcpts) * (sizeof(rcpt) + sizeof(hent)) ;
  c->memused += x->cost ;
  return 1 + (int)m ;
}

/* For the recovery walk after a reboot: 1 when state/<id> is a whole state file (the message's
   record: it was fsynced before todo/<id> went), 0 when there is none or a crash cut it short
   (its fsync never ended, so todo/<id> was never unlinked: only the link's write was lost), -1
   when it cannot be told (read error, not a regular file, too big): the caller leaves it be. */
int state_file_whole (ctx *c, char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  struct stat st ;
  queue_path(fn, QUEUE_STATE, id) ;
  if (lstat(fn, &st) < 0) return errno == ENOENT ? 0 : -1 ;
  if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > STATE_MAX(c)) return -1 ;
  c->tmp.len = 0 ;
  if (!openslurpclose(&c->tmp, fn)) return errno == ENOENT ? 0 : -1 ;
  return state_whole(c->tmp.s, c->tmp.len) ;
}

int state_load (ctx *c, char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  struct stat sta ;
  uint64_t when = c->now ;
  int r ;
  if (id[0] == '.') return 0 ;
  if (strlen(id) >= QUEUE_ID_MAX || !queue_id_ok(id))
  {
    quarantine(c, QUEUE_STATE, id, "invalid-id", "not a queue id: quarantined, never delivered") ;
    return 0 ;
  }
  queue_path(fn, QUEUE_MESS, id) ;
  if (access(fn, F_OK) < 0 && errno == ENOENT)
  {
    /* a removal cut between its two unlinks (msgs.c): finish it */
    queue_path(fn, QUEUE_STATE, id) ;
    if (unlink(fn) < 0 && errno != ENOENT) strerr_warnwu2sys("unlink ", fn) ;
    info_forget(id) ;
    delay_forget(id) ;
    log_start() ; log_key("event", "end") ; log_key("id", id) ; log_end() ;
    return 0 ;
  }
  queue_path(fn, QUEUE_STATE, id) ;
  c->tmp.len = 0 ;
  if (lstat(fn, &sta) < 0) { strerr_warnwu2sys("stat ", fn) ; return 0 ; }
  if (!S_ISREG(sta.st_mode) || (uint64_t)sta.st_size > STATE_MAX(c))
  {
    /* not ours: berth-send writes a regular file of at most that for an envelope it took */
    quarantine(c, QUEUE_STATE, id, "bad-state", "state file not a regular file or over the envelope limits: quarantined, never delivered") ;
    return 0 ;
  }
  if (!openslurpclose(&c->tmp, fn))
  {
    strerr_warnwu2sys("read ", fn) ;
    return 0 ;
  }
  {
    uint64_t mt = (uint64_t)sta.st_mtim.tv_sec * 1000 + sta.st_mtim.tv_nsec / 1000000 ;
    if (mt > when) when = mt ;
  }
  r = state_parse(c, id, c->tmp.s, c->tmp.len, when) ;
  if (!r)
  {
    quarantine(c, QUEUE_STATE, id, "bad-state", "malformed state file: quarantined, never delivered") ;
    return 0 ;
  }
  msg_check_done(c, (uint32_t)(r - 1)) ;
  return 1 ;
}

void state_mark (ctx *c, uint32_t m, uint32_t const *r, size_t n)
{
  char fn[QUEUE_PATH_MAX] ;
  int fd ;
  if (MSG(c, m)->lazy) { state_materialize(c, m, r, n) ; return ; }   /* the marks come with it */
  if (!n) return ;
  queue_path(fn, QUEUE_STATE, MSG(c, m)->id) ;
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
  char fn[QUEUE_PATH_MAX] ;
  struct timespec ts[2] ;
  for (size_t i = 0 ; i < n ; i++)
  {
    rcpt *rc = RCPT(c, m, i) ;
    if (rc->st == RC_PENDING && (!t || rc->next < t)) t = rc->next ;
  }
  if (!t) return ;
  ts[0].tv_sec = ts[1].tv_sec = t / 1000 ;
  ts[0].tv_nsec = ts[1].tv_nsec = (t % 1000) * 1000000 ;
  queue_path(fn, QUEUE_STATE, x->id) ;
  utimensat(AT_FDCWD, fn, ts, 0) ;
}
