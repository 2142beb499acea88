/* ISC license. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/dsn.h>

int dsn_fold (stralloc *sa, char const *first, char const *s, size_t len, char const *cont, size_t width)
{
  size_t contlen = strlen(cont) ;
  size_t col = strlen(first) ;
  size_t i = 0 ;
  int linestart = 1 ;
  if (width > DSN_LINE_MAX) width = DSN_LINE_MAX ;
  if (!stralloc_cats(sa, first)) return 0 ;
  while (i < len && s[i] == ' ') i++ ;
  while (i < len)
  {
    size_t w = i, room ;
    while (w < len && s[w] != ' ') w++ ;
    w -= i ;   /* the word is s[i..i+w) */
    if (!linestart && col + 1 + w > width)
    {
      if (!stralloc_catb(sa, "\n", 1) || !stralloc_cats(sa, cont)) return 0 ;
      col = contlen ; linestart = 1 ;
    }
    if (!linestart)
    {
      if (!stralloc_catb(sa, " ", 1)) return 0 ;
      col++ ;
    }
    room = DSN_LINE_MAX - col ;
    while (w > room)
    {
      if (!stralloc_catb(sa, s + i, room) || !stralloc_catb(sa, "\n", 1) || !stralloc_cats(sa, cont)) return 0 ;
      i += room ; w -= room ; col = contlen ; room = DSN_LINE_MAX - col ;
    }
    if (!stralloc_catb(sa, s + i, w)) return 0 ;
    col += w ; i += w ; linestart = 0 ;
    while (i < len && s[i] == ' ') i++ ;
  }
  return stralloc_catb(sa, "\n", 1) ;
}
