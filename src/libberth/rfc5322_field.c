/* ISC license. */

#include <berth/rfc5322.h>

int rfc5322_field (char const *s, size_t len, size_t *namelen, size_t *body)
{
  size_t i = 0, n ;
  while (i < len && (unsigned char)s[i] > 32 && (unsigned char)s[i] < 127 && s[i] != ':') i++ ;
  if (!i) return 0 ;
  n = i ;
  while (i < len && (s[i] == ' ' || s[i] == '\t')) i++ ;
  if (i >= len || s[i] != ':') return 0 ;
  *namelen = n ;
  *body = i + 1 ;
  return 1 ;
}
