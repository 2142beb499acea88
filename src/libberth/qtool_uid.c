/* ISC license. */
/* qtool_uid (berth/qtool.h): who queued a message, from its envelope's u record (berth-queue
   writes the caller's real uid there): todo/<id>, else the queue header of mess/<id>. A message
   whose envelope is in neither (too big for the header, its own file gone once berth-send read
   it) has no known uid. Trust: the files are the queue owner's; the record is checked as digits. */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/qtool.h>

static int envelope (char const *id, stralloc *env)
{
  char fn[QUEUE_PATH_MAX] ;
  int fd, head ;
  queue_path(fn, QUEUE_TODO, id) ;
  if (queue_env_read(fn, env)) return 1 ;
  env->len = 0 ;
  queue_path(fn, QUEUE_MESS, id) ;
  fd = open(fn, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  head = queue_mess_seek(fd) == QUEUE_HEAD ;   /* an older file without a header is the message alone */
  fd_close(fd) ;
  return head && queue_env_read(fn, env) ;
}

int qtool_uid (char const *id, uint64_t *uid)
{
  stralloc env = STRALLOC_ZERO ;
  int r = 0 ;
  if (strlen(id) >= QUEUE_ID_MAX || id[0] == '.' || strchr(id, '/')) return 0 ;
  if (envelope(id, &env) && env.len > 1 && env.s[0] == 'u')
  {
    size_t n = uint64_scan(env.s + 1, uid) ;
    r = n && n + 1 < env.len && !env.s[n + 1] ;
  }
  stralloc_free(&env) ;
  return r ;
}
