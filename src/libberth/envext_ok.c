/* ISC license. */
/* The syntax every E and R record must have, and the lookup of one parameter in it
   (doc/queue.md, "Envelope extension records").
   Trust: queue files and writers' strings; lengths are the caller's, bytes are checked. */

#include <skalibs/bytestr.h>
#include <berth/envext.h>

int envext_ok (char const *s, size_t len)
{
  if (len > ENVEXT_MAX) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
    if ((unsigned char)s[i] < 32 || (unsigned char)s[i] > 126) return 0 ;
  return 1 ;
}

int envext_get (char const *s, size_t len, char const *key, char const **v, size_t *vlen)
{
  size_t klen = 0, i = 0 ;
  while (key[klen]) klen++ ;
  while (i < len)
  {
    size_t w = i, e ;
    while (i < len && s[i] != ' ') i++ ;
    e = i ;
    if (i < len) i++ ;
    if (e - w < klen || case_diffb(s + w, klen, key)) continue ;
    if (e - w == klen) { *v = s + e ; *vlen = 0 ; return 1 ; }
    if (s[w + klen] != '=') continue ;
    *v = s + w + klen + 1 ; *vlen = e - w - klen - 1 ;
    return 1 ;
  }
  return 0 ;
}
