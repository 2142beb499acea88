/* ISC license. */
/* Looks a key up in a "key:value" control file (control/tlspolicy, control/smtpauth).
   Trust: the lines are the administrator's; the key may come from the queue (any sender). */

#include <string.h>
#include <strings.h>
#include <berth/control.h>

/* the value of the first line whose key is k[0..klen), or 0 */
static char const *entry (char const *lines, size_t len, char const *k, size_t klen)
{
  for (size_t i = 0 ; i < len ; i += strlen(lines + i) + 1)
  {
    char const *line = lines + i ;
    char const *end = line[0] == '[' ? strchr(line, ']') : line ;
    char const *colon = strchr(end ? end : line, ':') ;
    if (!colon || (size_t)(colon - line) != klen) continue ;
    if (!strncasecmp(line, k, klen)) return colon + 1 ;
  }
  return 0 ;
}

char const *control_mapfind (char const *lines, size_t len, char const *key, int suffixes)
{
  size_t klen = strlen(key) ;
  char const *v = entry(lines, len, key, klen) ;
  if (v || !suffixes) return v ;
  for (size_t i = 1 ; key[0] != '[' && i < klen ; i++)
    if (key[i] == '.' && (v = entry(lines, len, key + i, klen - i))) return v ;
  v = entry(lines, len, "*", 1) ;
  return v ? v : entry(lines, len, "", 0) ;
}
