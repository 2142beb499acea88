/* ISC license. */
/* The DSN parameters of a notification (RFC 3461): RET and ENVID from the message's E params,
   which every record of the message carries (berth/dsn.h), ORCPT from each recipient's; and the
   records qmail's format cannot carry (success reports) left out of it.
   Trust: the records are berth-send's, their params checked by the queue; checked again here
   (an invalid value is left out of the report, never copied raw). */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/envext.h>
#include "bounce.h"

void bounce_params (bounce *x)
{
  x->ret = ENVEXT_RET_NONE ;
  x->envid = 0 ; x->envidlen = 0 ;
  x->nsuccess = 0 ;
  for (size_t i = 0 ; i < x->n ; i++)
  {
    dsn_rcpt const *p = x->r + i ;
    if (DSN_REC_SUCCESS(p->status)) x->nsuccess++ ;
    if (p->mparamslen && !x->envid && !x->ret)
    {
      char const *s = x->recs + p->mparams, *v ;
      size_t vlen ;
      x->ret = envext_ret(s, p->mparamslen) ;
      if (envext_get(s, p->mparamslen, "ENVID", &v, &vlen) && envext_envid_ok(v, vlen)) { x->envid = v ; x->envidlen = vlen ; }
    }
  }
}

int bounce_orcpt (stralloc *sa, bounce const *x, dsn_rcpt const *p)
{
  char const *v ;
  size_t vlen ;
  sa->len = 0 ;
  return p->paramslen && envext_get(x->recs + p->params, p->paramslen, "ORCPT", &v, &vlen)
    && envext_orcpt_decode(sa, v, vlen) ;
}

size_t bounce_failures_only (dsn_rcpt *r, size_t n)
{
  size_t j = 0 ;
  for (size_t i = 0 ; i < n ; i++) if (!DSN_REC_SUCCESS(r[i].status)) r[j++] = r[i] ;
  return j ;
}
