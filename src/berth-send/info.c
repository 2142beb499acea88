/* ISC license. */
/* Informational records for the queue tools: queue/info/<id> (last deferral: tries, time, next
   attempt, recipient, text), rewritten with write+rename on each deferral, never fsynced (losing
   it only loses what berth-qread shows); queue/hold/<id> marks a held message (fsynced).
   Trust: only berth-send writes these; the queue tools only read them. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/direntry.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/qtool.h>
#include "send.h"

#define INFO_NAMELEN (QUEUE_PATH_MAX + 4)   /* and ".tmp" */

static int field (stralloc *sa, char tag, char const *s, size_t len)
{
  return stralloc_catb(sa, &tag, 1) && stralloc_catb(sa, s, len) && stralloc_0(sa) ;
}

static int fieldu (stralloc *sa, char tag, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  return field(sa, tag, fmt, uint64_fmt(fmt, u)) ;
}

void info_write (ctx *c, uint32_t m, uint32_t r, char const *text, size_t len)
{
  msg *x = MSG(c, m) ;
  rcpt *rc = RCPT(c, m, r) ;
  stralloc sa = STRALLOC_ZERO ;
  char fn[INFO_NAMELEN], tmp[INFO_NAMELEN] ;
  uint64_t next = 0 ;
  size_t n = genalloc_len(rcpt, &x->rcpts) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    rcpt *o = RCPT(c, m, i) ;
    if (o->st == RC_PENDING && (!next || o->next < next)) next = o->next ;
  }
  if (!fieldu(&sa, 'N', rc->tries) || !fieldu(&sa, 'L', c->now) || !fieldu(&sa, 'W', next)
   || !field(&sa, 'R', x->data.s + rc->addr, strlen(x->data.s + rc->addr))
   || !field(&sa, 'X', text, len) || !stralloc_0(&sa)) strerr_diefu1sys(111, "allocate") ;
  queue_path(fn, QUEUE_INFO, x->id) ;
  memcpy(tmp + queue_path(tmp, QUEUE_INFO, x->id), ".tmp", 5) ;
  if (!openwritenclose_unsafe(tmp, sa.s, sa.len) || rename(tmp, fn) < 0)
  {
    strerr_warnwu2sys("write ", fn) ;
    unlink(tmp) ;
  }
  stralloc_free(&sa) ;
}

int hold_exists (char const *id)
{
  char fn[INFO_NAMELEN] ;
  queue_path(fn, QUEUE_HOLD, id) ;
  return access(fn, F_OK) == 0 || errno != ENOENT ;
}

/* 1 ok, 0 error (logged) */
int hold_set (char const *id, int on)
{
  char fn[INFO_NAMELEN] ;
  queue_path(fn, QUEUE_HOLD, id) ;
  if (on)
  {
    int fd = open(fn, O_WRONLY | O_CREAT | O_CLOEXEC, 0600) ;
    if (fd < 0) { strerr_warnwu2sys("create ", fn) ; return 0 ; }
    fd_close(fd) ;
  }
  else if (unlink(fn) < 0 && errno != ENOENT) { strerr_warnwu2sys("unlink ", fn) ; return 0 ; }
  if (queue_syncdir(QUEUE_HOLD) < 0) { strerr_warnwu2sys("sync ", QUEUE_HOLD) ; return 0 ; }
  return 1 ;
}

/* the message left the queue */
void info_forget (char const *id)
{
  char fn[INFO_NAMELEN] ;
  queue_path(fn, QUEUE_INFO, id) ;
  unlink(fn) ;
  queue_path(fn, QUEUE_HOLD, id) ;
  unlink(fn) ;
}

/* at start: records of messages no longer queued (a crash between the removal of state/<id>
   and of these files), and write+rename leftovers */
static void clean_dir (char const *dir)
{
  DIR *d = opendir(dir) ;
  if (!d) return ;
  for (;;)
  {
    direntry *e ;
    char fn[INFO_NAMELEN] ;
    size_t n ;
    e = readdir(d) ;
    if (!e) break ;
    n = strlen(e->d_name) ;
    if (e->d_name[0] == '.' || n >= QUEUE_ID_MAX) continue ;
    if (n < 4 || strcmp(e->d_name + n - 4, ".tmp"))
    {
      queue_path(fn, QUEUE_STATE, e->d_name) ;
      if (access(fn, F_OK) == 0 || errno != ENOENT) continue ;
      queue_path(fn, QUEUE_TODO, e->d_name) ;
      if (access(fn, F_OK) == 0 || errno != ENOENT) continue ;
      if (quarantined(e->d_name)) continue ;   /* its reason, for berth-qread */
    }
    queue_path(fn, dir, e->d_name) ;
    if (unlink(fn) == 0) { log_start() ; log_key("event", "stale") ; log_key("file", fn) ; log_end() ; }
  }
  dir_close(d) ;
}

void info_clean (void)
{
  clean_dir(QUEUE_INFO) ;
  clean_dir(QUEUE_HOLD) ;
}
