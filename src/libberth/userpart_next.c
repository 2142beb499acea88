/* ISC license. */

#include <berth/userpart.h>

void userpart_start (userpart *it, size_t len)
{
  it->next = len + 1 ;
}

int userpart_next (userpart *it, char const *local, size_t len, char brk, size_t *namelen)
{
  while (it->next)
  {
    size_t i = --it->next ;
    if (i < len && local[i] != brk) continue ;
    if (!i || i >= USERPART_NAMEMAX) continue ;
    *namelen = i ;
    return 1 ;
  }
  return 0 ;
}
