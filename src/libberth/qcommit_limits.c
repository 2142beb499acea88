/* ISC license. */
/* The envelope limits of a commit, read once (qcommit.h). Trust: control/ is the admin's. */

#include <berth/qcommit.h>
#include <berth/qq.h>

int qcommit_limits (qcommit *q)
{
  if (q->limits) return 0 ;
  if (envscan_limits(&q->e) < 0) return QQ_CONFIG ;
  q->limits = 1 ;
  return 0 ;
}

void qcommit_limits_set (qcommit *q, size_t maxrcpt, size_t maxbytes)
{
  q->e.maxrcpt = maxrcpt ;
  q->e.maxbytes = maxbytes ;
  q->limits = 1 ;
}
