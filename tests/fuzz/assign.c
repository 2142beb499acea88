/* ISC license. */
/* libFuzzer target: users/assign lines (assign_parseline, used by berth-newu). An accepted line
   gives a key of its type byte and the lowercased local part, and six NUL-terminated fields, the
   uid and gid decimal, the home directory absolute; a refused one leaves key and data alone. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/assign.h>

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  stralloc key = STRALLOC_ZERO, d = STRALLOC_ZERO ;
  int r = assign_parseline((char const *)data, size, &key, &d) ;
  if (r <= 0 && (key.len || d.len)) abort() ;
  if (r > 0)
  {
    size_t pos = 0 ;
    char const *f[6] ;
    if (!key.len || (key.s[0] != ASSIGN_EXACT && key.s[0] != ASSIGN_WILD) || key.s[0] != (char)data[0]) abort() ;
    for (size_t i = 1 ; i < key.len ; i++) if (key.s[i] >= 'A' && key.s[i] <= 'Z') abort() ;
    for (unsigned int i = 0 ; i < 6 ; i++)
    {
      char const *z = memchr(d.s + pos, 0, d.len - pos) ;
      if (pos >= d.len || !z) abort() ;
      f[i] = d.s + pos ;
      pos = z - d.s + 1 ;
    }
    if (pos != d.len || !*f[0] || f[3][0] != '/') abort() ;
    {
      unsigned long u ;
      if (!ulong0_scan(f[1], &u) || !ulong0_scan(f[2], &u)) abort() ;
    }
  }
  stralloc_free(&key) ; stralloc_free(&d) ;
  return 0 ;
}
