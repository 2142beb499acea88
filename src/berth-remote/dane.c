/* ISC license. */
/* berth-remote: DANE for SMTP (RFC 7672) under the policy levels dane and dane-only. Per
   address, before connecting: when the MX answer and the address answers were DNSSEC-validated
   by the trusted resolver, the TLSA records of _port._tcp.MXHOST decide this connection's level
   (c->tlslevel) and the records berth-tlsc must match (c->tlsa). Trust: DNS answers count only
   with the AD bit of a loopback resolver declared validating (control/dnssec). */

#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/dns.h>
#include "remote.h"
#include "targets.h"

#define TLSA_PKIX_TA 0
#define TLSA_DANE_TA 2
#define TLSA_DANE_EE 3
#define TLSA_SELECTOR_MAX 1
#define TLSA_MTYPE_MAX 2

/* RFC 7672 2.2: usages 2 and 3, selectors 0 and 1, matching types 0, 1 and 2 are usable */
static int usable (char const *s)
{
  unsigned int f[3] ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    size_t n = uint_scan(s, &f[i]) ;
    if (!n || s[n] != ':') return 0 ;
    s += n + 1 ;
  }
  return (f[0] == TLSA_DANE_TA || f[0] == TLSA_DANE_EE) && f[1] <= TLSA_SELECTOR_MAX && f[2] <= TLSA_MTYPE_MAX ;
}

/* keeps the usable records of c->tlsa; how many */
static unsigned int keep_usable (stralloc *sa)
{
  size_t w = 0 ;
  unsigned int n = 0 ;
  for (size_t i = 0 ; i < sa->len ; )
  {
    size_t len = strlen(sa->s + i) + 1 ;
    if (usable(sa->s + i)) { memmove(sa->s + w, sa->s + i, len) ; w += len ; n++ ; }
    i += len ;
  }
  sa->len = w ;
  return n ;
}

static int defer (rconn const *c, char const *result, rreport *rep, char const *a, char const *name, char const *b)
{
  char const *parts[3] = { a, name, b } ;
  remote_tlsrpt_note(c, name, "", result, 0) ;   /* before connecting: no address yet */
  remote_report_final(rep, 'Z', parts, 3) ;
  return 0 ;
}

int remote_dane (rconn *c, rcfg const *cfg, dnsctx *d, char const *name, int literal, int secure, uint16_t port, rreport *rep)
{
  c->tlsa.len = 0 ;
  c->tlslevel = cfg->tlslevel ;
  if (cfg->tlslevel < TLS_DANE) return 1 ;
  if (!literal && secure && d->trusted)
  {
    int ad = 0 ;
    int r = dns_tlsa(&d->rs, name, port, &c->tlsa, &ad) ;
    if (r == DNS_TEMP)   /* RFC 7672 2.1.1: SERVFAIL or bogus: this server cannot be trusted now */
      return (c->tlsa.len = 0, defer(c, "dnssec-invalid", rep, "TLSA lookup for ", name, " failed (a DNS error, or DNSSEC validation failed): DANE cannot tell whether TLS is required. (#4.7.5)")) ;
    if (r == DNS_OK && ad)
    {
      if (keep_usable(&c->tlsa)) return 1 ;   /* authenticated TLS, by these records */
      /* RFC 7672 2.2: records, all unusable: TLS without authentication */
      if (cfg->tlslevel == TLS_DANE_ONLY)
        return defer(c, "tlsa-invalid", rep, "Sorry, every TLSA record of ", name, " is unusable (only DANE-TA and DANE-EE are), and control/tlspolicy says dane-only. (#4.7.5)") ;
      c->tlslevel = TLS_ENCRYPT ;
      return 1 ;
    }
    c->tlsa.len = 0 ;
  }
  if (cfg->tlslevel == TLS_DANE_ONLY)
    return defer(c, "dane-required", rep, "Sorry, no DNSSEC-validated TLSA record for ", name, ", which control/tlspolicy's dane-only requires. (#4.7.5)") ;
  c->tlslevel = TLS_MAY ;   /* insecure or no TLSA: opportunistic TLS, as the RFC wants */
  return 1 ;
}
