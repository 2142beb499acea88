/* ISC license. */

#include <string.h>
#include <strings.h>
#include <skalibs/types.h>
#include <skalibs/stralloc.h>
#include <berth/route.h>

static char const *lookup (char const *lines, size_t len, char const *key, size_t keylen)
{
  size_t i = 0 ;
  while (i < len)
  {
    char const *line = lines + i ;
    size_t l = strlen(line) ;
    char const *colon = strchr(line, ':') ;
    if (colon && (size_t)(colon - line) == keylen && !strncasecmp(line, key, keylen)) return colon + 1 ;
    i += l + 1 ;
  }
  return 0 ;
}

int route_find (char const *lines, size_t len, char const *domain, stralloc *relay, uint16_t *port)
{
  size_t dlen = strlen(domain) ;
  char const *v = 0 ;
  char const *end ;
  for (size_t i = 0 ; i <= dlen ; i++)
    if (!i || i == dlen || domain[i] == '.')
      if ((v = lookup(lines, len, domain + i, dlen - i))) break ;
  if (!v) return 0 ;
  *port = 0 ;
  end = v[0] == '[' ? strchr(v, ']') : v ;
  end = strchr(end ? end : v, ':') ;
  relay->len = 0 ;
  if (!stralloc_catb(relay, v, end ? (size_t)(end - v) : strlen(v)) || !stralloc_0(relay)) return -1 ;
  relay->len-- ;
  if (end && !uint160_scan(end + 1, port)) *port = 0 ;
  return 1 ;
}
