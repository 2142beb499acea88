/* ISC license. */

/* berth-tlsd internals: credentials and suites from the environment, the engine child, the three
   modes (UCSPI-TLS, implicit, proxy). */

#ifndef BERTH_TLSD_H
#define BERTH_TLSD_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/tls.h>

typedef struct tlsd_conf_s tlsd_conf, *tlsd_conf_ref ;
struct tlsd_conf_s
{
  berthtls_cred *creds ;
  size_t n ;
  tain hstimeout ;   /* relative handshake deadline */
  uint16_t suites[BERTHTLS_MAXSUITES] ;   /* TLS_SUITES, in preference order */
  size_t nsuites ;
  char const *const *argv ;   /* the program to run */
} ;

extern void tlsd_creds_load (berthtls_cred *, size_t *) ;
extern void tlsd_suites_load (tlsd_conf *) ;
extern void tlsd_proxy (tlsd_conf const *) gccattr_noreturn ;
extern void tlsd_ucspi_engine (tlsd_conf const *, int, int, int) gccattr_noreturn ;
extern int tlsd_env_scrub (stralloc *) ;
extern void tlsd_engine (tlsd_conf const *, int, int, int) gccattr_noreturn ;
extern void tlsd_ucspi (tlsd_conf const *) gccattr_noreturn ;
extern void tlsd_implicit (tlsd_conf const *) gccattr_noreturn ;

#endif
