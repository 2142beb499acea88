/* ISC license. */
/* The QMQP request around the message, as qmail-qmqpc builds it: the outer netstring holds the
   message's netstring, the sender's and one per recipient; the envelope comes from fd 1 in
   qmail-queue's form (F sender NUL, T recipient NUL ..., NUL). Trust: the caller is trusted as
   a qmail-queue caller; its envelope is still checked for form (QQ_ENVELOPE). */

#include <errno.h>
#include <string.h>
#include <skalibs/djbunix.h>
#include <skalibs/netstring.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/envext.h>
#include <berth/qq.h>
#include "qmqpc.h"

int qmqpc_request (stralloc const *msg, stralloc *head, stralloc *tail)
{
  stralloc env = STRALLOC_ZERO ;
  char fmt[SIZE_FMT] ;
  size_t i = 0, total ;
  unsigned int nrcpt = 0 ;
  if (!slurp(&env, 1)) return errno == ENOMEM ? QQ_NOMEM : QQ_READ ;
  if (!stralloc_catb(tail, ",", 1)) goto nomem ;   /* the message's netstring ends */
  for (;;)
  {
    char const *end = i < env.len ? memchr(env.s + i, 0, env.len - i) : 0 ;
    size_t n ;
    if (!end) goto format ;
    n = end - (env.s + i) ;
    if (!n) break ;                                /* the final NUL */
    /* berth's extension records (doc/queue.md): QMQP has no place for them */
    if (i && (env.s[i] == ENVEXT_MAIL || env.s[i] == ENVEXT_RCPT)) { i += n + 1 ; continue ; }
    if (env.s[i] != (i ? 'T' : 'F')) goto format ;
    if (n - 1 >= QQ_ADDR_MAX) { stralloc_free(&env) ; return QQ_ADDR_TOO_LONG ; }
    if (!netstring_appendb(tail, env.s + i + 1, n - 1)) goto nomem ;
    nrcpt += !!i ;
    i += n + 1 ;
  }
  if (!nrcpt || i + 1 != env.len) goto format ;
  stralloc_free(&env) ;
  /* head: "outer:" then "msg:"; the outer length covers head's second part, msg and tail */
  {
    size_t m = size_fmt(fmt, msg->len) ;
    total = m + 1 + msg->len + tail->len ;
    if (!stralloc_catb(head, fmt, size_fmt(fmt, total)) || !stralloc_catb(head, ":", 1)
     || !stralloc_catb(head, fmt, size_fmt(fmt, msg->len)) || !stralloc_catb(head, ":", 1)
     || !stralloc_catb(tail, ",", 1)) return QQ_NOMEM ;
  }
  return 0 ;
 nomem:
  stralloc_free(&env) ;
  return QQ_NOMEM ;
 format:
  stralloc_free(&env) ;
  return QQ_ENVELOPE ;
}
