/* ISC license. */

#include <string.h>
#include <strings.h>
#include <berth/rfc5322.h>

int rfc5322_nameis (char const *s, size_t namelen, char const *name)
{
  return strlen(name) == namelen && !strncasecmp(s, name, namelen) ;
}
