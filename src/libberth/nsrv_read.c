/* ISC license. */

#include <skalibs/allreadwrite.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/nsin.h>
#include <berth/nsrv.h>
#include <berth/rcvd.h>

ssize_t nsrv_len (nsrv *s, size_t *len)
{
  tain d ;
  nsrv_deadline(s, &d) ;
  return nsin_len(&s->in, len, &d) ;
}

int nsrv_get (nsrv *s, char *buf, size_t n)
{
  tain d ;
  nsrv_deadline(s, &d) ;
  return nsin_get(&s->in, buf, n, &d) ;
}

int nsrv_comma (nsrv *s)
{
  tain d ;
  nsrv_deadline(s, &d) ;
  return nsin_comma(&s->in, &d) ;
}

int nsrv_qqstart (nsrv *s, qqrun *q, char const *prog, char const *proto, char const **text)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *qq = qqrun_prog(&sa) ;
  if (!qqrun_start(q, qq))
  {
    strerr_warnwu2sys("run ", qq) ;
    stralloc_free(&sa) ;
    *text = NSRV_TEXT_QQ ;
    return 0 ;
  }
  *text = 0 ;
  if (!rcvd_line(&sa, prog, proto, s->me.s)) *text = NSRV_TEXT_NOMEM ;
  else if (allwrite(q->msgfd, sa.s, sa.len) < sa.len) *text = NSRV_TEXT_QQWRITE ;
  stralloc_free(&sa) ;
  if (*text) { qqrun_abort(q) ; return 0 ; }
  return 1 ;
}
