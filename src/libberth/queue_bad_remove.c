/* ISC license. */
/* A quarantined entry's removal (berth-qctl delete, through berth-send or offline): the message
   file first, durably, then the bad/ name, so that no sealed mess/<id> is left without a name
   (the recovery walk would take it for a lost commit). Trust: id is checked by the caller. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <berth/queue.h>
#include <berth/sendqueue.h>
#include <berth/qtool.h>

int queue_bad_remove (char const *id)
{
  size_t len = strlen(id) ;
  char fn[sizeof(QUEUE_INFO) + sizeof(QUEUE_BAD) + sizeof(QUEUE_MESS) + len + 1] ;
  queue_path(fn, QUEUE_BAD, id) ;
  if (access(fn, F_OK) < 0) return -1 ;
  queue_path(fn, QUEUE_MESS, id) ;
  if (unlink(fn) < 0 && errno != ENOENT) return -1 ;
  if (queue_syncdir(QUEUE_MESS) < 0) return -1 ;
  queue_path(fn, QUEUE_BAD, id) ;
  if (unlink(fn) < 0) return -1 ;
  queue_path(fn, QUEUE_INFO, id) ; unlink(fn) ;
  queue_path(fn, QUEUE_HOLD, id) ; unlink(fn) ;
  return 0 ;
}
