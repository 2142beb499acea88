/* ISC license. */
/* The commit of a message file with its envelope in its header: link(mess/<id>, todo/<id>). A
   todo/<id> that already names the same file is not an error: berth-send's recovery after a
   reboot links every sealed message file it finds without one, and may do so between a
   writer's fsync and its link (doc/queue.md). Trust: both names are the queue owner's. */

#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <berth/queue.h>

int queue_link (char const *mess, char const *todo)
{
  struct stat a, b ;
  if (link(mess, todo) == 0) return 0 ;
  if (errno != EEXIST) return -1 ;
  if (stat(mess, &a) < 0 || stat(todo, &b) < 0) return -1 ;
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino) { errno = EEXIST ; return -1 ; }
  return 0 ;
}
