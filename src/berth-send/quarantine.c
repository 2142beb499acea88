/* ISC license. */
/* Quarantine: a todo/ or state/ entry berth-send cannot take (an invalid id, a malformed
   envelope or state file, one over control/enveloperecipients or envelopebytes, not a regular
   file) is renamed to queue/bad/<id> and logged once (event=quarantine); it is never read
   again, and stays until berth-qctl delete (queue_bad_remove) or the admin moves it back.
   Its reason goes to info/<id> for berth-qread. mess/<id> stays: bad/<id> keeps it from the
   stale sweep and the recovery walk (scan.c).
   Trust: the entry's name and bytes are anyone's who could write the queue; only its name is
   used, and only as a name within the queue's directories. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/qtool.h>
#include "send.h"

/* info/<id>: no tries, the time, the reason (only for a name that fits one) */
static void reason_write (ctx *c, char const *id, char const *text)
{
  char fmt[UINT64_FMT] ;
  stralloc sa = STRALLOC_ZERO ;
  char fn[sizeof(QUEUE_INFO) + QUEUE_ID_MAX + 5], tmp[sizeof(QUEUE_INFO) + QUEUE_ID_MAX + 5] ;
  if (strlen(id) >= QUEUE_ID_MAX) return ;
  if (!stralloc_catb(&sa, "N0", 3) || !stralloc_catb(&sa, "L", 1) || !stralloc_catb(&sa, fmt, uint64_fmt(fmt, c->now))
   || !stralloc_0(&sa) || !stralloc_catb(&sa, "X", 1) || !stralloc_cats(&sa, text) || !stralloc_0(&sa) || !stralloc_0(&sa))
    strerr_diefu1sys(111, "allocate") ;
  queue_path(fn, QUEUE_INFO, id) ;
  queue_path(tmp, QUEUE_INFO, id) ; strcat(tmp, ".tmp") ;
  if (!openwritenclose_unsafe(tmp, sa.s, sa.len) || rename(tmp, fn) < 0)
  {
    strerr_warnwu2sys("write ", fn) ;
    unlink(tmp) ;
  }
  stralloc_free(&sa) ;
}

void quarantine (ctx *c, char const *dir, char const *id, char const *reason, char const *text)
{
  size_t len = strlen(id) ;
  char from[strlen(dir) + len + 2], to[sizeof(QUEUE_BAD) + len + 1] ;
  queue_path(from, dir, id) ;
  queue_path(to, QUEUE_BAD, id) ;
  reason_write(c, id, text) ;
  if (rename(from, to) < 0)
  {
    /* left in place: read again at the next listing (and logged again), not lost */
    if (errno != ENOENT) strerr_warnwu4sys("rename ", from, " to ", to) ;
    return ;
  }
  /* not fsynced: a crash may bring the entry back, and it is quarantined again */
  log_start() ; log_key("event", "quarantine") ; log_key("id", id) ;
  log_key("reason", reason) ; log_keyq("text", text, strlen(text)) ; log_end() ;
}

int quarantined (char const *id)
{
  size_t len = strlen(id) ;
  char fn[sizeof(QUEUE_BAD) + len + 1] ;
  queue_path(fn, QUEUE_BAD, id) ;
  return access(fn, F_OK) == 0 || errno != ENOENT ;
}
