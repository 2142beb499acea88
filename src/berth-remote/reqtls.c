/* ISC license. */
/* berth-remote: REQUIRETLS (RFC 8689 4.2.1) and the TLS-Required: No header field (RFC 8689
   4.2.2, 5), per address (doc/berth-remote.md, "DSN and REQUIRETLS"). A REQUIRETLS message goes
   only over TLS authenticated by DANE's records or by a certificate valid for the MX host name
   (the verify level, whatever control/tlspolicy says), to a peer that offers REQUIRETLS after
   STARTTLS; a host that cannot meet this is given up (the next MX is tried), and when every
   host reached failed so, the message bounces with 5.7.30. "TLS-Required: No" on a message
   without REQUIRETLS sets DANE and MTA-STS aside: STARTTLS is still used when offered.
   Trust: the flags come from the queue and the message; the peer's replies are untrusted. */

#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "remote.h"

#define REQTLS_CODE " (#5.7.30)"
#define REQTLS_TEMP " (#4.4.1)"

void remote_reqtls_apply (rconn *c, rmsg const *m)
{
  c->reqtls = m->requiretls ;
  c->reqok = 0 ;
  /* DANE's usable records authenticate the peer; anything else: verify with the MX name */
  if (m->requiretls && !c->tlsa.len) c->tlslevel = TLS_VERIFY ;
  if (m->requiretls && c->ststest) c->sts = 0, c->ststest = 0 ;   /* a testing policy: nothing to observe */
}

void remote_tlsno_apply (rconn *c, rcfg const *cfg)
{
  c->tlsa.len = 0 ;
  c->sts = 0 ;
  c->ststest = 0 ;
  /* the recipient domain's policies (DANE, MTA-STS) are set aside, not the administrator's
     encrypt or verify; may still uses STARTTLS whenever it is offered */
  c->tlslevel = cfg->tlslevel >= TLS_DANE ? TLS_MAY : cfg->tlslevel ;
}

int remote_reqtls_fail (rreport *rep, rconn *c, char const *why, int said)
{
  stralloc t = STRALLOC_ZERO ;
  char const *parts[3] = { "Sorry, REQUIRETLS support required: ", 0, REQTLS_CODE } ;
  rep->reqwhy.len = 0 ;
  if (!stralloc_cats(&rep->reqwhy, "connected to ") || !stralloc_cats(&rep->reqwhy, c->label)
   || !stralloc_cats(&rep->reqwhy, " but ") || !stralloc_cats(&rep->reqwhy, why)
   || (said && (!stralloc_cats(&rep->reqwhy, ". Remote host said: ") || !remote_conn_replytext(c, &t)
                || !stralloc_catb(&rep->reqwhy, t.s, t.len)))
   || !stralloc_0(&rep->reqwhy)) rep->reqwhy.len = 0 ;
  stralloc_free(&t) ;
  parts[1] = rep->reqwhy.len ? rep->reqwhy.s : "a host could not meet it" ;
  remote_report_final(rep, 'D', parts, 3) ;
  rep->reqn++ ;
  strerr_warnw("REQUIRETLS: ", c->label, ": ", why) ;
  return 0 ;
}

void remote_reqtls_final (rreport *rep, char const *host, int tempfail)
{
  char const *why = rep->reqwhy.len ? rep->reqwhy.s : "a host could not meet it" ;
  if (!tempfail)
  {  /* RFC 8689 4.2.1: no MX host meets the requirement: not delivered, a bounce */
    char const *parts[3] = { "Sorry, REQUIRETLS support required: ", why, REQTLS_CODE } ;
    remote_report_final(rep, 'D', parts, 3) ;
    return ;
  }
  {  /* another host failed only for now: it may meet the requirement at the next try */
    char const *parts[5] = { "Sorry, no host of ", host, " could take this REQUIRETLS message now (another failed temporarily); ", why, REQTLS_TEMP } ;
    remote_report_final(rep, 'Z', parts, 5) ;
  }
}
