/* ISC license. */
/* The key a kept SMTP session is kept under (berth-rspawn) and a job is matched by (berth-rspawn,
   and berth-remote's kept child again before it takes one). A host that
   control/smtproutes sends to a relay gets that relay and port as key (route_find, the lookup
   berth-remote itself makes), so the domains routed to one relay share its kept sessions, as
   Postfix's connection cache is keyed by the next hop; any other host (MX delivery, an address
   literal) is its own key. A kept child still compares its whole configuration, smtproutes
   included, before it takes a job, and reconnects when anything differs (doc/berth-rspawn.md).
   Trust: smtproutes is the administrator's; host comes from the queue and is only looked up. */

#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/route.h>

char const *route_key (char const *host, stralloc *routes, stralloc *key)
{
  char ip[16] ;
  char fmt[UINT16_FMT] ;
  int is6 ;
  uint16_t port = 0 ;
  if (route_literal(host, 0, ip, &is6) || control_readlines(routes, "control/smtproutes") < 0) return host ;
  if (route_find(routes->s, routes->len, host, key, &port) <= 0) return host ;
  /* a relay (not the empty one: MX), marked so that no domain can read the same */
  if (!key->len || !stralloc_insertb(key, 0, ROUTE_KEY_MARK, 1)
   || !stralloc_catb(key, ":", 1) || !stralloc_catb(key, fmt, uint16_fmt(fmt, port)) || !stralloc_0(key)) return host ;
  return key->s ;
}
