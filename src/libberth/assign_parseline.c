/* ISC license. */

#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/assign.h>

#define ASSIGN_FIELDS 7

int assign_parseline (char const *s, size_t len, stralloc *key, stralloc *data)
{
  size_t start[ASSIGN_FIELDS], flen[ASSIGN_FIELDS] ;
  size_t pos = 1, keystart = key->len ;
  unsigned int n = 0 ;
  if (len < 2 || (s[0] != ASSIGN_EXACT && s[0] != ASSIGN_WILD)) return 0 ;
  if (memchr(s, 0, len)) return 0 ;
  while (n < ASSIGN_FIELDS)
  {
    char const *colon = memchr(s + pos, ':', len - pos) ;
    if (!colon) return 0 ;
    start[n] = pos ; flen[n] = colon - (s + pos) ;
    pos = colon - s + 1 ; n++ ;
  }
  if (pos != len) return 0 ;                 /* exactly seven fields, each ended by ':' */
  if (!flen[1] || !flen[2] || !flen[3] || !flen[4] || s[start[4]] != '/') return 0 ;
  for (unsigned int i = 2 ; i <= 3 ; i++)
  {
    unsigned long u ;
    char tmp[flen[i] + 1] ;
    memcpy(tmp, s + start[i], flen[i]) ; tmp[flen[i]] = 0 ;
    if (!ulong0_scan(tmp, &u)) return 0 ;
  }
  if (!stralloc_catb(key, s, 1) || !stralloc_catb(key, s + start[0], flen[0])) return -1 ;
  case_lowerb(key->s + keystart + 1, key->len - keystart - 1) ;
  for (unsigned int i = 1 ; i < ASSIGN_FIELDS ; i++)
    if (!stralloc_catb(data, s + start[i], flen[i]) || !stralloc_0(data)) return -1 ;
  return 1 ;
}
