/* ISC license. */

/* Loads the default CERTFILE/KEYFILE pair and every CERTFILE:name/KEYFILE:name pair from the
   environment, and TLS_SUITES. Any problem (unreadable file, bad PEM, key not matching its certificate) is a
   config error: exit 96 at start, before a single byte is read from the client. */

#include <string.h>
#include <stdlib.h>
#include <skalibs/strerr.h>
#include <skalibs/posixplz.h>
#include <berth/tls.h>
#include "tlsd.h"

static void load (berthtls_cred *c, char const *name, char const *certfile, char const *keyfile)
{
  int e ;
  memset(c, 0, sizeof *c) ;
  c->name = name ;
  e = berthtls_cred_load(c, certfile, keyfile) ;
  if (e < 0) strerr_diefu4sys(BERTHTLS_EXIT_CONFIG, "load certificate ", certfile, " or key ", keyfile) ;
  if (e == BERTHTLS_ERR_MISMATCH)
    strerr_dief5x(BERTHTLS_EXIT_CONFIG, "private key ", keyfile, " does not match the certificate in ", certfile, " (compare their public keys)") ;
  if (e) strerr_dief6x(BERTHTLS_EXIT_CONFIG, "invalid certificate ", certfile, " or key ", keyfile, ": ", berthtls_error_str(e)) ;
}

void tlsd_creds_load (berthtls_cred *creds, size_t *n)
{
  char const *certfile = getenv("CERTFILE") ;
  char const *keyfile = getenv("KEYFILE") ;
  *n = 0 ;
  if (certfile || keyfile)
  {
    if (!certfile) strerr_dienotset(BERTHTLS_EXIT_CONFIG, "CERTFILE") ;
    if (!keyfile) strerr_dienotset(BERTHTLS_EXIT_CONFIG, "KEYFILE") ;
    load(&creds[(*n)++], 0, certfile, keyfile) ;
  }
  for (char const *const *e = (char const *const *)environ ; *e ; e++)
  {
    char const *eq ;
    size_t namelen ;
    if (strncmp(*e, "CERTFILE:", 9)) continue ;
    eq = strchr(*e, '=') ;
    if (!eq || eq == *e + 9) continue ;
    namelen = eq - (*e + 9) ;
    if (*n >= BERTHTLS_MAXCREDS) strerr_dief1x(BERTHTLS_EXIT_CONFIG, "too many CERTFILE:name variables") ;
    {
      char var[namelen + 9] ;
      char *name = malloc(namelen + 1) ;
      if (!name) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "malloc") ;
      memcpy(name, *e + 9, namelen) ; name[namelen] = 0 ;
      memcpy(var, "KEYFILE:", 8) ; memcpy(var + 8, name, namelen + 1) ;
      keyfile = getenv(var) ;
      if (!keyfile) strerr_dienotset(BERTHTLS_EXIT_CONFIG, var) ;
      load(&creds[(*n)++], name, eq + 1, keyfile) ;
    }
  }
  if (!*n) strerr_dienotset(BERTHTLS_EXIT_CONFIG, "CERTFILE") ;
}

/* TLS_SUITES (berthtls_server_suites): an unknown suite name is a config error at start. */
void tlsd_suites_load (tlsd_conf *conf)
{
  char const *x = getenv("TLS_SUITES") ;
  conf->nsuites = berthtls_server_suites(x, conf->suites, BERTHTLS_MAXSUITES) ;
  if (!conf->nsuites) strerr_dief3x(BERTHTLS_EXIT_CONFIG, "invalid TLS_SUITES: ", x, " (IANA suite names BearSSL supports, or compat)") ;
}
