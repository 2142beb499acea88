/* ISC license. */
/* tcprules(1)' cdb, read as tcpserver reads it: the remote IP is looked up whole, then cut back
   to each prefix ending in '.' or ':', then as the empty key; the first key found decides. Its
   data "D" denies; otherwise each "+VAR=value" instruction sets VAR in the environment. No key
   found: allowed. Trust: the cdb is the admin's (written by tcprules); the IP is the kernel's.
   Runs in the session's child, so the environment it changes is the session's own. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/cdb.h>
#include "listen.h"

static int apply (cdb_data const *d)
{
  size_t i = 0 ;
  if (d->len && d->s[0] == 'D') return 0 ;
  while (i < d->len)
  {
    char const *x = d->s + i ;
    size_t n = strnlen(x, d->len - i) ;
    char const *eq = n ? memchr(x, '=', n) : 0 ;
    if (i + n >= d->len) break ;   /* no NUL: a truncated instruction is ignored */
    if (x[0] == '+' && eq && eq > x + 1)
    {
      char name[eq - x] ;
      memcpy(name, x + 1, eq - x - 1) ;
      name[eq - x - 1] = 0 ;
      if (setenv(name, eq + 1, 1) < 0) return -1 ;
    }
    i += n + 1 ;
  }
  return 1 ;
}

int listen_rules (char const *file, char const *ip)
{
  cdb c = CDB_ZERO ;
  size_t len = strlen(ip) ;
  int r = 1 ;
  if (!cdb_init(&c, file)) return -1 ;
  for (size_t n = len + 1 ; n-- > 0 ;)
  {
    cdb_data d ;
    int f ;
    if (n && n < len && ip[n-1] != '.' && ip[n-1] != ':') continue ;
    f = cdb_find(&c, &d, ip, (uint32_t)n) ;
    if (!f) continue ;
    r = f < 0 ? -1 : apply(&d) ;
    break ;
  }
  cdb_free(&c) ;
  return r ;
}
