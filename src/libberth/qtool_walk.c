/* ISC license. */
/* The queue tools: every message of the queue, oldest first, read and handed to a callback.
   Trust: queue files (queue owner), read by qtool_read. */

#include <errno.h>
#include <skalibs/strerr.h>
#include <berth/qtool.h>

void qtool_walk (qtool_walk_func *f, void *data)
{
  stralloc ids = STRALLOC_ZERO ;
  genalloc list = GENALLOC_ZERO ;
  qtool_msg m = QTOOL_MSG_ZERO ;
  size_t n ;
  if (qtool_ids(&ids, &list) < 0) strerr_diefu1sys(111, "list the queue (run me as the queue owner or root)") ;
  n = genalloc_len(size_t, &list) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char const *id = ids.s + genalloc_s(size_t, &list)[i] ;
    int r = qtool_read(&m, id) ;
    if (r < 0)
    {
      if (errno == EPROTO) { strerr_warnw3x("malformed queue files for ", id, ": skipped") ; continue ; }
      strerr_diefu2sys(111, "read message ", id) ;
    }
    if (r) (*f)(&m, data) ;
  }
  qtool_msg_free(&m) ;
  stralloc_free(&ids) ;
  genalloc_free(size_t, &list) ;
}
