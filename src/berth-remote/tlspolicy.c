/* ISC license. */
/* berth-remote: control/tlspolicy, one line per destination (doc/berth-remote.md):
     domain:level[:name=HOST][:anchors=PATH]      level: none, may, encrypt, verify, dane, dane-only
   looked up as smtproutes is (domain, .suffix, then "*" or the empty domain); default dane
   when control/dnssec declares the nameserver validating, else may.
   Trust: the file is the administrator's; the domain comes from the queue. */

#include <string.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <berth/control.h>
#include "remote.h"

#define ANCHORS_FILE "control/tlsanchors"
#define ANCHORS_DEFAULT "/etc/ssl/certs"

static char const *const levels[] = { "none", "may", "encrypt", "verify", "dane", "dane-only" } ;

int remote_tlspolicy_read (rcfg *cfg, char const *host, stralloc *store, char const **bad)
{
  stralloc lines = STRALLOC_ZERO ;
  char const *v ;
  int r = 1 ;
  cfg->tlslevel = cfg->dnssec ? TLS_DANE : TLS_MAY ;
  cfg->tlsname = 0 ;
  cfg->tlsexplicit = 0 ;
  cfg->tlsanchors = access(ANCHORS_FILE, F_OK) ? ANCHORS_DEFAULT : ANCHORS_FILE ;
  *bad = 0 ;
  if (control_readlines(&lines, "control/tlspolicy") < 0) { *bad = "unreadable" ; return 0 ; }
  v = control_mapfind(lines.s, lines.len, host, 1) ;
  if (!v) goto end ;
  {  /* a line for the domain itself or a .suffix of it is the administrator's choice for it */
    char const *k = v - 1 ;
    while (k > lines.s && k[-1]) k-- ;
    cfg->tlsexplicit = v - 1 > k && !(v - 2 == k && *k == '*') ;
  }
  /* store: the line's fields, each NUL-terminated; cfg points into it */
  store->len = 0 ;
  if (!stralloc_cats(store, v) || !stralloc_0(store)) { *bad = "out of memory" ; r = 0 ; goto end ; }
  for (size_t i = 0 ; i < store->len ; i++) if (store->s[i] == ':') store->s[i] = 0 ;
  {
    unsigned int k = 0 ;
    while (k < sizeof levels / sizeof *levels && strcmp(store->s, levels[k])) k++ ;
    if (k == sizeof levels / sizeof *levels) { *bad = "a bad line" ; r = 0 ; goto end ; }
    cfg->tlslevel = k ;
  }
  for (size_t i = strlen(store->s) + 1 ; i < store->len ; i += strlen(store->s + i) + 1)
  {
    char const *f = store->s + i ;
    if (!strncmp(f, "name=", 5) && f[5]) cfg->tlsname = f + 5 ;
    else if (!strncmp(f, "anchors=", 8) && f[8]) cfg->tlsanchors = f + 8 ;
    else { *bad = "a bad line" ; r = 0 ; goto end ; }
  }
 end:
  stralloc_free(&lines) ;
  return r ;
}
