/* ISC license. */
/* A queue file's name, qmail's fmtqfn without the split: "<dir>/<id>". The one place where a
   queue path is built (queue.h). Trust: dir is one of the queue's directories; id is checked
   or bounded by the caller, who gives room for it (QUEUE_PATH_MAX or QUEUE_PATH_LEN). */

#include <string.h>
#include <berth/queue.h>

size_t queue_path (char *s, char const *dir, char const *id)
{
  size_t d = strlen(dir) ;
  size_t n = strlen(id) ;
  memcpy(s, dir, d) ;
  s[d] = '/' ;
  memcpy(s + d + 1, id, n + 1) ;
  return d + 1 + n ;
}
