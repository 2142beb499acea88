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

typedef struct target_s target, *target_ref ;
struct target_s
{
  size_t name ;          /* offset in names */
  unsigned int pref ;
  int literal ;          /* ip is the address; no DNS */
  int is6 ;
  char ip[16] ;
} ;

typedef struct targets_s targets, *targets_ref ;
struct targets_s
{
  stralloc names ;
  genalloc list ;        /* target */
} ;
#define TARGETS_ZERO { .names = STRALLOC_ZERO, .list = GENALLOC_ZERO }

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
  int state ;
} ;

extern int dnsctx_ready (dnsctx *d) ;
extern void dnsctx_reset (dnsctx *d) ;   /* forget the resolver: set up again at the next use */
extern int targets_find (targets *t, char const *host, stralloc const *routes, stralloc const *me, dnsctx *d, uint16_t *port) ;
extern int targets_addrs (dnsctx *d, char const *name, int prefer4, genalloc *addrs) ;

#endif
