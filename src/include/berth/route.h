/* ISC license. */
/* control/smtproutes lookups and address literals, for berth-remote.
   Trust: smtproutes is the administrator's; host names come from the queue (any sender). */
#ifndef BERTH_ROUTE_H
#define BERTH_ROUTE_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>

/* lines: NUL-terminated lines as control_readlines() gives them, each "domain:relay[:port]".
   Tries domain, then each ".suffix" of it, then the empty domain (default route), as qmail-remote.
   1: a route matched; relay copied NUL-terminated into sa (empty: use MX), *port set (0: default).
   0: no route. -1: out of memory. */
extern int route_find (char const *lines, size_t len, char const *domain, stralloc *relay, uint16_t *port) ;

/* "[1.2.3.4]" or "[IPv6:2001:db8::1]" (or a bare IP address when bare is set).
   1: ip (16 bytes, IPv4 in the first 4) and *is6 set; 0: not a literal. */
extern int route_literal (char const *host, int bare, char *ip, int *is6) ;

/* The kept-session key of a job for host: "=relay:port" when control/smtproutes (read into
   routes) sends host to a relay, stored in key; else host itself (also when a file cannot be
   read). Domains routed to one relay share its kept sessions (doc/berth-rspawn.md). */
#define ROUTE_KEY_MARK "="
extern char const *route_key (char const *host, stralloc *routes, stralloc *key) ;

#endif
