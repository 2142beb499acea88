/* ISC license. */
/* berth-remote: the list of hosts to try, in order. */
#ifndef BERTH_REMOTE_TARGETS_H
#define BERTH_REMOTE_TARGETS_H

#include <stdint.h>
#include <resolv.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>

#define TARGETS_OK 0
#define TARGETS_NXDOMAIN 1
#define TARGETS_NULLMX 2
#define TARGETS_TEMP 3
#define TARGETS_AMBIGMX 4
#define TARGETS_NOMEM 5
#define TARGETS_DNSCONF 6
#define TARGETS_LOOP 7           /* every host left leads back to this host */

typedef struct target_s target, *target_ref ;
struct target_s
{
  size_t name ;          /* offset in names */
  unsigned int pref ;
  int literal ;          /* ip is the address; no DNS */
  int routed ;           /* from smtproutes: may be this host (a filter on another port) */
  int secure ;           /* DNSSEC: the MX answer that named it was validated (a route: its name is ours) */
  int is6 ;
  char ip[16] ;
} ;

typedef struct targets_s targets, *targets_ref ;
struct targets_s
{
  stralloc names ;
  genalloc list ;        /* target */
  genalloc addrs ;       /* taddr: every address to try, in order (targets_resolve) */
} ;
#define TARGETS_ZERO { .names = STRALLOC_ZERO, .list = GENALLOC_ZERO, .addrs = GENALLOC_ZERO }

typedef struct taddr_s taddr, *taddr_ref ;
struct taddr_s
{
  size_t target ;        /* index in list */
  int secure ;           /* DNSSEC: the target's address answers were validated */
  int is6 ;
  char ip[16] ;
} ;

/* ipme.c: this host's addresses. Records of 17 bytes: is6, then the address. */
typedef struct ipme_s ipme, *ipme_ref ;
struct ipme_s
{
  stralloc more ;        /* the interfaces and control/moreipme */
  stralloc not ;         /* control/notipme: never this host */
} ;
#define IPME_ZERO { .more = STRALLOC_ZERO, .not = STRALLOC_ZERO }
extern int remote_ipme_read (ipme *me) ;   /* 1; 0 a bad control line (EINVAL), unreadable, no memory */
extern int remote_ipme_is (ipme const *me, char const *ip, int is6) ;

#define DNSCTX_NEW 0
#define DNSCTX_OK 1
#define DNSCTX_BAD 2
typedef struct dnsctx_s dnsctx, *dnsctx_ref ;
struct dnsctx_s
{
  struct __res_state rs ;
  char const *server ;   /* 0: resolv.conf's */
  unsigned int timeout ;
  unsigned int tries ;
  int dnssec ;           /* control/dnssec: the nameserver is declared validating */
  int trusted ;          /* ... and it is on loopback: the AD bit counts (set up by ready) */
  int state ;
} ;

extern int remote_dnsctx_ready (dnsctx *d) ;
/* the resolver's settings from $BERTH_DNSSERVER or control/dnsserver (into store),
   control/timeoutdns, control/dnssec: 1, or 0 a nameserver of bad syntax */
extern int remote_dnsctx_read (dnsctx *d, stralloc *store) ;

/* dane.c: this address's TLS level (c->tlslevel) and TLSA records (c->tlsa) under the dane and
   dane-only levels (any other level is taken as it is). secure: the MX and address answers were
   validated. 1: go on; 0: give up on this address, the reason in rep (TLSA lookup failed,
   dane-only without usable records). */
struct rconn_s ;
struct rreport_s ;
struct rcfg_s ;
extern int remote_dane (struct rconn_s *c, struct rcfg_s const *cfg, dnsctx *d, char const *name, int literal, int secure, uint16_t port, struct rreport_s *rep) ;
extern void remote_dnsctx_reset (dnsctx *d) ;   /* forget the resolver: set up again at the next use */
extern int remote_targets_find (targets *t, char const *host, stralloc const *routes, stralloc const *me, dnsctx *d, uint16_t *port) ;
extern int remote_targets_addrs (dnsctx *d, char const *name, int prefer4, genalloc *addrs, int *ad) ;

/* Every target's addresses into t->addrs, in order. As qmail-remote: when an address of an MX
   (or of the domain without MX) is this host's, that MX and every one at its preference or
   after it are dropped; what names its address itself (a route from smtproutes, an address
   literal) is never checked. TARGETS_OK (anything left,
   or nothing found: *dnstemp says a lookup failed temporarily), TARGETS_LOOP (all that was
   found is this host), TARGETS_NOMEM. */
extern int remote_targets_resolve (targets *t, dnsctx *d, int prefer4, ipme const *me, int *dnstemp) ;

#endif
