/* ISC license. */
/* One field of a TLS-RPT session record (berth/tlsrpt.h): printable ASCII only, so a record is
   one line whatever the network's words held. Trust: s may be the network's. */

#include <string.h>
#include <berth/tlsrpt.h>

int tlsrpt_field_cat (stralloc *sa, char const *s, int first)
{
  char sep = TLSRPT_SEP ;
  size_t start ;
  if (!first && !stralloc_catb(sa, &sep, 1)) return 0 ;
  start = sa->len ;
  if (!stralloc_cats(sa, s)) return 0 ;
  for (size_t i = start ; i < sa->len ; i++)
    if ((unsigned char)sa->s[i] < ' ' || (unsigned char)sa->s[i] >= 0x7f) sa->s[i] = '?' ;
  return 1 ;
}
