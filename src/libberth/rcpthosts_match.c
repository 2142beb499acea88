/* ISC license. */

#include <string.h>
#include <skalibs/bytestr.h>
#include <berth/rcpthosts.h>

static int incdb (cdb const *more, char const *key, size_t len)
{
  char low[len ? len : 1] ;
  cdb_data d ;
  if (!more) return 0 ;
  memcpy(low, key, len) ;
  case_lowerb(low, len) ;
  return cdb_find(more, &d, low, len) > 0 ;
}

int rcpthosts_match (stralloc const *list, cdb const *more, char const *domain, size_t len)
{
  size_t i = 0 ;
  if (rcpthosts_inlist(list, domain, len) || incdb(more, domain, len)) return 1 ;
  for (; i < len ; i++)
    if (domain[i] == '.' && (rcpthosts_inlist(list, domain + i, len - i) || incdb(more, domain + i, len - i)))
      return 1 ;
  return 0 ;
}
