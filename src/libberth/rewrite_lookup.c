/* ISC license. */

#include <string.h>
#include <strings.h>
#include <berth/rewrite.h>

int rewrite_lookup (char const *lines, size_t len, char const *key, size_t keylen, char sep, char const **value)
{
  size_t i = 0 ;
  while (i < len)
  {
    size_t n = strlen(lines + i) ;
    size_t klen = n ;
    if (sep)
    {
      char const *p = memchr(lines + i, sep, n) ;
      if (!p) { i += n + 1 ; continue ; }
      klen = p - (lines + i) ;
    }
    if (klen == keylen && !strncasecmp(lines + i, key, keylen))
    {
      if (value) *value = sep ? lines + i + klen + 1 : lines + i + n ;
      return 1 ;
    }
    i += n + 1 ;
  }
  return 0 ;
}
