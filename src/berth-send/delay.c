/* ISC license. */
/* berth-send: delay warnings (off unless control/delaywarning is set, in seconds, or a
   recipient's NOTIFY asks for DELAY; a NOTIFY without DELAY has none). The first
   deferral of a message older than that writes queue/delay/<id> (one record, the bounce record
   format) and runs `berth-bounce -d`, which queues one "Action: delayed" notice as <id>D and
   empties the file: an existing file means "warned", so a message is warned about once.
   Trust: our own files and our own berth-bounce. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/posixplz.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/envext.h>
#include "send.h"

#define DELAY_STATUS 'Z'
#define DELAY_DSN_DEFAULT 14400   /* seconds: NOTIFY=DELAY without control/delaywarning (4 hours) */

void delay_maybe (ctx *c, uint32_t m, uint32_t r, char const *text, size_t len)
{
  msg *x = MSG(c, m) ;
  char fn[sizeof(QUEUE_DELAY) + QUEUE_ID_MAX + 1] ;
  char tmpfn[sizeof(QUEUE_DELAY) + QUEUE_ID_MAX + 5] ;
  char fmt[UINT64_FMT] ;
  char const *argv[6] ;
  char status = DELAY_STATUS ;
  int fd ;
  unsigned int notify = dsn_notify(c, m, r) ;
  unsigned long after = c->delaywarn ;
  /* NOTIFY given: a warning only when it has DELAY, then after delaywarning or its default */
  if (notify && !(notify & ENVEXT_NOTIFY_DELAY)) return ;
  if (notify && !after) after = DELAY_DSN_DEFAULT ;
  if (!after || !x->data.s[0] || !strcmp(x->data.s, "#@[]")) return ;   /* never about bounces */
  if (c->now - x->birth < (uint64_t)after * 1000 / c->scale) return ;
  queue_path(fn, QUEUE_DELAY, x->id) ;
  if (access(fn, F_OK) == 0 || errno != ENOENT) return ;   /* warned already */
  bounce_record(c, m, r, status, text, len) ;
  memcpy(tmpfn, fn, strlen(fn)) ; strcpy(tmpfn + strlen(fn), ".tmp") ;
  fd = open(tmpfn, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) ;
  if (fd < 0 || allwrite(fd, c->tmp.s, c->tmp.len) < c->tmp.len || fd_sync(fd) < 0)
  {
    strerr_warnwu2sys("write ", tmpfn) ;
    if (fd >= 0) fd_close(fd) ;
    unlink(tmpfn) ;
    return ;
  }
  fd_close(fd) ;
  if (rename(tmpfn, fn) < 0 || queue_syncdir(QUEUE_DELAY) < 0) { strerr_warnwu2sys("write ", fn) ; return ; }
  fmt[uint64_fmt(fmt, x->birth / 1000)] = 0 ;
  argv[0] = c->bounceprog ; argv[1] = "-d" ; argv[2] = x->id ; argv[3] = x->data.s ; argv[4] = fmt ; argv[5] = 0 ;
  log_start() ; log_key("event", "delay-warning") ; log_key("id", x->id) ;
  log_keyu("pid", child_spawn0(argv[0], argv, (char const *const *)environ)) ; log_end() ;
}

void delay_forget (char const *id)
{
  char fn[sizeof(QUEUE_DELAY) + QUEUE_ID_MAX + 1] ;
  queue_path(fn, QUEUE_DELAY, id) ;
  if (unlink(fn) < 0 && errno != ENOENT) strerr_warnwu2sys("unlink ", fn) ;
}

/* 1 when id is a delay warning "xD" whose records queue/delay/x are not yet emptied. */
int delay_blocks (char const *id)
{
  size_t len = strlen(id) ;
  char fn[sizeof(QUEUE_DELAY) + QUEUE_ID_MAX + 1] ;
  struct stat st ;
  if (!len || len > QUEUE_ID_MAX || id[len - 1] != 'D') return 0 ;
  queue_pathb(fn, QUEUE_DELAY, id, len - 1) ;   /* the warned message's id */
  if (stat(fn, &st) < 0) return errno != ENOENT ;
  return st.st_size > 0 ;
}
