/* ISC license. */
/* libFuzzer target: header fields and RFC 5322 address lists, as berth-inject reads them. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/rfc5322.h>

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t namelen = 0, body = 0 ;
  if (rfc5322_field((char const *)data, size, &namelen, &body) > 0 && (namelen > size || body > size)) abort() ;
  if (rfc5322_addrlist(&sa, (char const *)data, size) > 0 && sa.len && sa.s[sa.len - 1] != 0) abort() ;
  stralloc_free(&sa) ;
  return 0 ;
}
