/* ISC license. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/qmename.h>

void qmename_start (qmename *it, size_t safelen)
{
  it->exact = 1 ;
  it->next = safelen + 1 ;
}

static int name (stralloc *fn, char const *dash, char const *safe, size_t len, char const *suffix)
{
  if (!stralloc_copys(fn, QMENAME_BASE) || !stralloc_cats(fn, dash) || !stralloc_catb(fn, safe, len)
   || !stralloc_cats(fn, suffix) || !stralloc_0(fn)) return -1 ;
  fn->len-- ;
  return 1 ;
}

int qmename_next (qmename *it, stralloc *fn, char const *dash, char const *safe, size_t safelen, size_t *prefix)
{
  if (it->exact)
  {
    it->exact = 0 ;
    *prefix = (size_t)-1 ;
    return name(fn, dash, safe, safelen, "") ;
  }
  while (it->next)
  {
    size_t i = --it->next ;
    if (i && safe[i-1] != '-') continue ;
    *prefix = i ;
    return name(fn, dash, safe, i, QMENAME_DEFAULT) ;
  }
  return 0 ;
}
