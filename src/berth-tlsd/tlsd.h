/* ISC license. */

/* berth-tlsd internals: credential loading from the environment, the engine child, the two modes. */

#ifndef BERTH_TLSD_H
#define BERTH_TLSD_H

#include <stddef.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/tls.h>

typedef struct tlsd_conf_s tlsd_conf, *tlsd_conf_ref ;
struct tlsd_conf_s
{
  berthtls_cred *creds ;
  size_t n ;
  tain hstimeout ;   /* relative handshake deadline */
  char const *const *argv ;   /* the program to run */
} ;

extern void tlsd_creds_load (berthtls_cred *, size_t *) ;
extern int tlsd_env_scrub (stralloc *) ;
extern void tlsd_engine (tlsd_conf const *, int, int, int) gccattr_noreturn ;
extern void tlsd_ucspi (tlsd_conf const *) gccattr_noreturn ;
extern void tlsd_implicit (tlsd_conf const *) gccattr_noreturn ;

#endif
