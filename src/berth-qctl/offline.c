/* ISC license. */
/* berth-qctl -o: hold, release and delete with berth-send stopped, editing the queue files the
   way berth-send would, only while holding queue/lock/send (berth-send takes it at start, so the
   two never overlap). Trust: run by the queue owner or root; the queue files (format-checked). */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/sendqueue.h>
#include <berth/qtool.h>
#include "qctl.h"

static int exists (char const *dir, char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  queue_path(fn, dir, id) ;
  return access(fn, F_OK) == 0 ;
}

int offline_lock (void)
{
  struct stat st ;
  int fd = open(QUEUE_SENDLOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600) ;
  if (fd < 0) strerr_diefu2sys(111, "open ", QUEUE_SENDLOCK) ;
  if (!geteuid() && stat(QUEUE_DIR, &st) == 0 && fchown(fd, st.st_uid, st.st_gid) < 0)
    strerr_diefu2sys(111, "chown ", QUEUE_SENDLOCK) ;
  if (flock(fd, LOCK_EX | LOCK_NB) < 0)
  {
    if (error_isagain(errno)) strerr_dief1x(111, "berth-send is running: use berth-qctl without -o") ;
    strerr_diefu2sys(111, "lock ", QUEUE_SENDLOCK) ;
  }
  return fd ;
}

static int unlink_sync (char const *dir, char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  queue_path(fn, dir, id) ;
  if (unlink(fn) < 0 && errno != ENOENT) return 0 ;
  return queue_syncdir(dir) == 0 ;
}

/* every T mark of state/<id> becomes D (fdatasync): what berth-send's delete does */
static int mark_all (char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  stralloc sa = STRALLOC_ZERO ;
  size_t i, n ;
  int fd, ok = 0 ;
  queue_path(fn, QUEUE_STATE, id) ;
  fd = open(fn, O_RDWR | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  if (!slurp(&sa, fd) || sa.len < 2 || sa.s[0] != 'B' || sa.s[sa.len-1] || sa.s[sa.len-2]) goto end ;
  i = strlen(sa.s) + 1 ;                      /* B<birth> */
  if (i >= sa.len || sa.s[i] != 'F') goto end ;
  i += strlen(sa.s + i) + 1 ;                 /* F<sender> */
  if (i < sa.len && sa.s[i] == 'E') i += strlen(sa.s + i) + 1 ;   /* E<params>: doc/send-state.md */
  for (; i < sa.len && sa.s[i] ; i += n + 1)
  {
    char d = 'D' ;
    n = strlen(sa.s + i) ;
    if (sa.s[i] == 'R') continue ;   /* a recipient's R<params> */
    if (n < 2 || (sa.s[i] != 'T' && sa.s[i] != 'D')) goto end ;
    if (sa.s[i] == 'T' && pwrite(fd, &d, 1, i) != 1) goto end ;
  }
  ok = fdatasync(fd) == 0 ;
 end:
  fd_close(fd) ;
  stralloc_free(&sa) ;
  return ok ;
}

/* the reply word, as berth-send would give it; text into out */
char const *offline_one (char const *verb, char const *id, char const **text)
{
  int name = id[0] && id[0] != '.' && strlen(id) < QUEUE_ID_MAX && !strchr(id, '/') ;
  int todo = name && exists(QUEUE_TODO, id), state = name && exists(QUEUE_STATE, id) ;   /* a path fits */
  if (name && !todo && !state && exists(QUEUE_BAD, id))
  {
    /* quarantined by berth-send: only delete applies */
    if (strcmp(verb, "delete")) { *text = "quarantined: only delete applies" ; return QTOOL_REPLY_OK ; }
    if (queue_bad_remove(id) < 0) { *text = "cannot remove the quarantined entry" ; return QTOOL_REPLY_ERROR ; }
    *text = "quarantined entry deleted" ;
    return QTOOL_REPLY_OK ;
  }
  if (!name || (!todo && !state))
  { *text = "no such message" ; return QTOOL_REPLY_NOMSG ; }
  if (!strcmp(verb, "hold"))
  {
    char fn[QUEUE_PATH_MAX] ;
    int fd ;
    queue_path(fn, QUEUE_HOLD, id) ;
    fd = open(fn, O_WRONLY | O_CREAT | O_CLOEXEC, 0600) ;
    if (fd < 0 || queue_syncdir(QUEUE_HOLD) < 0) { if (fd >= 0) fd_close(fd) ; *text = "cannot write the hold mark" ; return QTOOL_REPLY_ERROR ; }
    fd_close(fd) ;
    *text = "held" ;
    return QTOOL_REPLY_OK ;
  }
  if (!strcmp(verb, "release"))
  {
    if (!unlink_sync(QUEUE_HOLD, id)) { *text = "cannot remove the hold mark" ; return QTOOL_REPLY_ERROR ; }
    *text = "released" ;
    return QTOOL_REPLY_OK ;
  }
  if (strcmp(verb, "delete")) { *text = "only hold, release and delete work offline" ; return QTOOL_REPLY_ERROR ; }
  if (todo)   /* committed, never preprocessed: withdraw the envelope first, as if never committed */
  {
    if (!unlink_sync(QUEUE_TODO, id)) { *text = "cannot remove the envelope" ; return QTOOL_REPLY_ERROR ; }
  }
  else
  {
    if (!mark_all(id)) { *text = "cannot mark the state file" ; return QTOOL_REPLY_ERROR ; }
    if (exists(QUEUE_BOUNCE, id)) { *text = "recipients deleted; earlier failures still bounce" ; return QTOOL_REPLY_OK ; }
  }
  {  /* as berth-send removes a finished message: mess, then state, then the records */
    char fn[QUEUE_PATH_MAX] ;
    queue_path(fn, QUEUE_MESS, id) ; unlink(fn) ;
    queue_path(fn, QUEUE_STATE, id) ; unlink(fn) ;
    queue_path(fn, QUEUE_INFO, id) ; unlink(fn) ;
    queue_path(fn, QUEUE_HOLD, id) ; unlink(fn) ;
  }
  *text = "deleted" ;
  return QTOOL_REPLY_OK ;
}
