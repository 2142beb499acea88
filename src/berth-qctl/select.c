/* ISC license. */
/* berth-qctl: selecting messages by sender, recipient or domain by reading the queue
   (read-only, like berth-qread). Trust: queue files (queue owner). */

#include <errno.h>
#include <string.h>
#include <skalibs/strerr.h>
#include <berth/qtool.h>
#include "qctl.h"

void select_ids (sel const *s, stralloc *out)
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
    if (!r) continue ;
    if (s->from && !qtool_match(&m, 'f', s->from)) continue ;
    if (s->rcpt && !qtool_match(&m, 'r', s->rcpt)) continue ;
    if (s->domain && !qtool_match(&m, 'd', s->domain)) continue ;
    if (!stralloc_cats(out, id) || !stralloc_0(out)) strerr_diefu1sys(111, "allocate") ;
  }
  qtool_msg_free(&m) ;
  stralloc_free(&ids) ;
  genalloc_free(size_t, &list) ;
}
