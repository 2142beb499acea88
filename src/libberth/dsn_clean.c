/* ISC license. */

#include <skalibs/stralloc.h>
#include <berth/dsn.h>

#define ASCII_DEL 0x7f

int dsn_clean (stralloc *sa, char const *s, size_t len, int keep8bit)
{
  if (!stralloc_readyplus(sa, len)) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c < ' ' || c == ASCII_DEL) c = ' ' ;
    else if (c > ASCII_DEL && !keep8bit) c = '?' ;
    sa->s[sa->len++] = c ;
  }
  return 1 ;
}
