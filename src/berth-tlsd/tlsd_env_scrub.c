/* ISC license. */

/* Appends to sa the env modifications that remove key material locations and TLS settings
   (CERTFILE*, KEYFILE*, CADIR, CAFILE, TLS_UID, TLS_GID) from the application's environment. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/posixplz.h>
#include "tlsd.h"

static char const *const fixed[] = { "CADIR", "CAFILE", "TLS_UID", "TLS_GID", 0 } ;

int tlsd_env_scrub (stralloc *sa)
{
  for (char const *const *e = (char const *const *)environ ; *e ; e++)
  {
    if (!strncmp(*e, "CERTFILE", 8) || !strncmp(*e, "KEYFILE", 7))
    {
      char const *eq = strchr(*e, '=') ;
      if (eq && !(stralloc_catb(sa, *e, eq - *e) && stralloc_0(sa))) return 0 ;
    }
  }
  for (char const *const *p = fixed ; *p ; p++)
    if (!stralloc_catb(sa, *p, strlen(*p) + 1)) return 0 ;
  return 1 ;
}
