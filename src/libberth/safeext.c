/* ISC license. */

#include <skalibs/bytestr.h>
#include <berth/safeext.h>

void safeext (char *s, size_t len)
{
  case_lowerb(s, len) ;
  for (size_t i = 0 ; i < len ; i++)
    if (s[i] == '.') s[i] = SAFEEXT_DOT ;
}
