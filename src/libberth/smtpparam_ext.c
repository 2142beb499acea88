/* ISC license. */
/* The extension record's params (doc/queue.md, "Envelope extension records") for the DSN and
   REQUIRETLS parameters of one MAIL or RCPT command, already checked by smtpparam_parse.
   Trust: p's values were checked; they are written in their wire form. */

#include <skalibs/stralloc.h>
#include <berth/envext.h>
#include <berth/smtpaddr.h>

static int word (stralloc *sa, size_t from, char const *key)
{
  return (sa->len == from || stralloc_catb(sa, " ", 1)) && stralloc_cats(sa, key) ;
}

int smtpparam_ext (stralloc *sa, smtpparam const *p, unsigned int verb)
{
  size_t from = sa->len ;
  if (verb == SMTPPARAM_MAIL)
    return (!p->ret || (word(sa, from, "RET=") && stralloc_cats(sa, p->ret == ENVEXT_RET_HDRS ? "HDRS" : "FULL")))
     && (!p->envid || (word(sa, from, "ENVID=") && stralloc_catb(sa, p->envid, p->envidlen)))
     && (!p->requiretls || word(sa, from, "REQUIRETLS")) ;
  return (!p->notify || (word(sa, from, "NOTIFY=") && envext_notify_fmt(sa, p->notify)))
   && (!p->orcpt || (word(sa, from, "ORCPT=") && envext_orcpt_fmt(sa, p->orcpt, p->orcptlen, p->orcpt8))) ;
}
