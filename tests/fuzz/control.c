/* ISC license. */
/* libFuzzer target: control-file line parsing. Every output line is non-empty, has no newline,
   no trailing blank, and does not start with '#'. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/control.h>

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t i = 0 ;
  if (!control_parselines(&sa, (char const *)data, size)) abort() ;
  while (i < sa.len)
  {
    size_t n = strlen(sa.s + i) ;
    if (!n || sa.s[i] == '#' || memchr(sa.s + i, '\n', n)) abort() ;
    if (sa.s[i+n-1] == ' ' || sa.s[i+n-1] == '\t' || sa.s[i+n-1] == '\r') abort() ;
    i += n + 1 ;
  }
  stralloc_free(&sa) ;
  return 0 ;
}
