/* ISC license. */

#include <string.h>
#include <berth/rreport.h>

long rjob_scan (char const *s, size_t len, unsigned int *n)
{
  size_t pos = 1 ;
  unsigned int field = 0 ;
  if (!len) return 0 ;
  *n = 0 ;
  for (;;)
  {
    char const *z ;
    size_t l ;
    if (pos >= len) return 0 ;
    z = memchr(s + pos, 0, len - pos) ;
    if (!z) return 0 ;
    l = z - (s + pos) ;
    if (field % 3 == 0 && !l)
    {
      if (!field) return -1 ;
      return (long)(pos + 1) ;
    }
    if (field % 3 == 2)
    {
      if (!l) return -1 ;
      (*n)++ ;
    }
    field++ ;
    pos += l + 1 ;
  }
}
