/* ISC license. */
/* A queue file's name, qmail's fmtqfn without the split: "<dir>/<id>". The one place where a
   queue path is built (queue.h). Trust: dir is one of the queue's directories; id is checked
   or bounded by the caller, who gives room for it (QUEUE_PATH_MAX or QUEUE_PATH_LEN). */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/queue.h>

size_t queue_pathb (char *s, char const *dir, char const *id, size_t len)
{
  size_t d = strlen(dir) ;
  memcpy(s, dir, d) ;
  s[d] = '/' ;
  memcpy(s + d + 1, id, len) ;
  s[d + 1 + len] = 0 ;
  return d + 1 + len ;
}

size_t queue_path (char *s, char const *dir, char const *id)
{
  return queue_pathb(s, dir, id, strlen(id)) ;
}

int queue_path_sa (stralloc *sa, char const *dir, char const *id)
{
  sa->len = 0 ;
  return stralloc_cats(sa, dir) && stralloc_catb(sa, "/", 1) && stralloc_cats(sa, id) && stralloc_0(sa) ;
}
