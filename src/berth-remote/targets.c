/* ISC license. */
/* berth-remote: where to connect. smtproutes, address literals, MX (RFC 5321 5.1, RFC 7505),
   our own MX preference, and the addresses of each host in the configured family order. */

#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/control.h>
#include <berth/dns.h>
#include <berth/route.h>
#include "targets.h"

#define DNS_TIMEOUT_DEFAULT 5
#define DNS_TRIES 2

static int add (targets *t, char const *name, unsigned int pref, int literal, char const *ip, int is6, int secure)
{
  target x = { .name = t->names.len, .pref = pref, .literal = literal, .routed = 0, .secure = secure, .is6 = is6 } ;
  if (literal) memcpy(x.ip, ip, 16) ;
  if (!stralloc_cats(&t->names, name) || !stralloc_0(&t->names)) return 0 ;
  return genalloc_append(target, &t->list, &x) ;
}

static int isme (stralloc const *me, char const *name)
{
  size_t nlen = strlen(name) ;
  if (nlen && name[nlen-1] == '.') nlen-- ;
  for (size_t i = 0 ; i < me->len ; i += strlen(me->s + i) + 1)
    if (strlen(me->s + i) == nlen && !strncasecmp(me->s + i, name, nlen)) return 1 ;
  return 0 ;
}

int remote_targets_find (targets *t, char const *host, stralloc const *routes, stralloc const *me, dnsctx *d, uint16_t *port)
{
  stralloc relay = STRALLOC_ZERO ;
  genalloc mxs = GENALLOC_ZERO ;
  stralloc mxnames = STRALLOC_ZERO ;
  char ip[16] ;
  int is6, r, ad = 0 ;
  uint16_t rport = 0 ;
  *port = 0 ;
  if (route_literal(host, 0, ip, &is6)) { r = add(t, host, 0, 1, ip, is6, 0) ? TARGETS_OK : TARGETS_NOMEM ; goto end ; }
  r = route_find(routes->s, routes->len, host, &relay, &rport) ;
  if (r < 0) { r = TARGETS_NOMEM ; goto end ; }
  if (r && rport) *port = rport ;
  if (r && relay.len)
  {  /* a relay is used as it is: an address, or a name looked up without MX */
    int lit = route_literal(relay.s, 1, ip, &is6) ;
    r = add(t, relay.s, 0, lit, ip, is6, !lit) ? TARGETS_OK : TARGETS_NOMEM ;
    if (r == TARGETS_OK) genalloc_s(target, &t->list)[0].routed = 1 ;
    goto end ;
  }
  if (!remote_dnsctx_ready(d)) { r = TARGETS_DNSCONF ; goto end ; }
  r = dns_mx(&d->rs, host, &mxnames, &mxs, &ad) ;
  ad &= d->trusted ;
  switch (r)
  {
    case DNS_NXDOMAIN : r = TARGETS_NXDOMAIN ; goto end ;
    case DNS_NULLMX : r = TARGETS_NULLMX ; goto end ;
    case DNS_TEMP : r = TARGETS_TEMP ; goto end ;
    case DNS_NODATA :  /* RFC 5321 5.1: the domain itself, as an implicit MX 0 */
      r = add(t, host, 0, 0, ip, 0, ad) ? TARGETS_OK : TARGETS_NOMEM ;
      goto end ;
  }
  {
    dns_mxrec *s = genalloc_s(dns_mxrec, &mxs) ;
    size_t n = genalloc_len(dns_mxrec, &mxs) ;
    unsigned int mypref = (unsigned int)-1 ;
    dns_mx_sort(s, n) ;
    for (size_t i = 0 ; i < n ; i++)
      if (isme(me, mxnames.s + s[i].name) && s[i].pref < mypref) mypref = s[i].pref ;
    r = TARGETS_OK ;
    for (size_t i = 0 ; i < n ; i++)
      if (s[i].pref < mypref && !add(t, mxnames.s + s[i].name, s[i].pref, 0, ip, 0, ad)) { r = TARGETS_NOMEM ; break ; }
    if (r == TARGETS_OK && !genalloc_len(target, &t->list)) r = TARGETS_AMBIGMX ;
  }
 end:
  stralloc_free(&relay) ;
  stralloc_free(&mxnames) ;
  genalloc_free(dns_mxrec, &mxs) ;
  return r ;
}

/* DNS_OK if any address was found; else DNS_TEMP if a lookup failed temporarily */
int remote_targets_addrs (dnsctx *d, char const *name, int prefer4, genalloc *addrs, int *ad)
{
  int r[2], a[2] ;
  if (!remote_dnsctx_ready(d)) return DNS_TEMP ;
  for (int i = 0 ; i < 2 ; i++)
  {
    int is6 = prefer4 ? i : !i ;
    r[i] = dns_ip(&d->rs, name, is6, addrs, &a[i]) ;
  }
  *ad = d->trusted && a[0] && a[1] ;
  if (genalloc_len(dns_addr, addrs)) return DNS_OK ;
  if (r[0] == DNS_TEMP || r[1] == DNS_TEMP) return DNS_TEMP ;
  if (r[0] == DNS_NXDOMAIN || r[1] == DNS_NXDOMAIN) return DNS_NXDOMAIN ;
  return DNS_NODATA ;
}

int remote_targets_resolve (targets *t, dnsctx *d, int prefer4, ipme const *me, int *dnstemp)
{
  size_t n = genalloc_len(target, &t->list), kept = 0 ;
  unsigned int mypref = (unsigned int)-1 ;
  int mine = 0 ;
  *dnstemp = 0 ;
  t->addrs.len = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    target const *x = genalloc_s(target, &t->list) + i ;
    genalloc a = GENALLOC_ZERO ;
    int secure = 0 ;
    if (x->literal)
    {
      dns_addr l = { .is6 = x->is6 } ;
      memcpy(l.ip, x->ip, 16) ;
      if (!genalloc_append(dns_addr, &a, &l)) return TARGETS_NOMEM ;
    }
    else if (remote_targets_addrs(d, t->names.s + x->name, prefer4, &a, &secure) == DNS_TEMP) *dnstemp = 1 ;
    for (size_t j = 0 ; j < genalloc_len(dns_addr, &a) ; j++)
    {
      dns_addr const *y = genalloc_s(dns_addr, &a) + j ;
      taddr z = { .target = i, .secure = secure, .is6 = y->is6 } ;
      memcpy(z.ip, y->ip, 16) ;
      if (!x->routed && remote_ipme_is(me, y->ip, y->is6) && x->pref < mypref) { mypref = x->pref ; mine = 1 ; }
      if (!genalloc_append(taddr, &t->addrs, &z)) { genalloc_free(dns_addr, &a) ; return TARGETS_NOMEM ; }
    }
    genalloc_free(dns_addr, &a) ;
  }
  if (!mine) return TARGETS_OK ;
  {  /* keep what comes before the first MX that is this host */
    taddr *z = genalloc_s(taddr, &t->addrs) ;
    target const *l = genalloc_s(target, &t->list) ;
    for (size_t j = 0 ; j < genalloc_len(taddr, &t->addrs) ; j++)
      if (l[z[j].target].pref < mypref) z[kept++] = z[j] ;
    genalloc_setlen(taddr, &t->addrs, kept) ;
  }
  return kept ? TARGETS_OK : TARGETS_LOOP ;
}

int remote_dnsctx_read (dnsctx *d, stralloc *store)
{
  unsigned long u ;
  d->server = dns_server_read(store) ;
  if (control_readulong(&u, "control/timeoutdns", DNS_TIMEOUT_DEFAULT) <= 0 || !u) u = DNS_TIMEOUT_DEFAULT ;
  d->timeout = u ;
  d->tries = DNS_TRIES ;
  if (control_readulong(&u, "control/dnssec", 0) <= 0) u = 0 ;   /* the nameserver validates: DANE */
  d->dnssec = !!u ;
  if (d->server)
  {
    char ip[16] ; int is6 ; uint16_t port ;
    if (!dns_server_scan(d->server, ip, &is6, &port)) return 0 ;
  }
  return 1 ;
}

int remote_dnsctx_ready (dnsctx *d)
{
  if (d->state == DNSCTX_NEW)
  {
    d->state = dns_setup(&d->rs, d->server, d->timeout, d->tries) ? DNSCTX_OK : DNSCTX_BAD ;
    d->trusted = d->state == DNSCTX_OK && d->dnssec && dns_trustad(&d->rs) ;
    if (d->state == DNSCTX_OK && d->dnssec && !d->trusted)
      strerr_warnw1x("control/dnssec ignored: a nameserver is not on a loopback address, its AD bit is not trusted") ;
  }
  return d->state == DNSCTX_OK ;
}

void remote_dnsctx_reset (dnsctx *d)
{
  if (d->state == DNSCTX_OK) res_nclose(&d->rs) ;
  d->state = DNSCTX_NEW ;
}
