/* ISC license. */
/* libFuzzer target: the qmail-queue envelope checker, fed in chunks whose sizes come from the input. */

#include <stdint.h>
#include <stdlib.h>
#include <berth/envelope.h>
#include <berth/qq.h>

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  envscan e = ENVSCAN_ZERO ;
  size_t i = 1, total = 0 ;
  int done = 0, code = 0 ;
  if (!size) return 0 ;
  while (i < size && !done)
  {
    size_t chunk = 1 + data[0] % 64 ;
    ssize_t r ;
    if (chunk > size - i) chunk = size - i ;
    r = envscan_feed(&e, (char const *)data + i, chunk, &done, &code) ;
    if (r < 0) { if (code != QQ_ENVELOPE && code != QQ_ADDR_TOO_LONG) abort() ; return 0 ; }
    if ((size_t)r > chunk || (!done && (size_t)r != chunk)) abort() ;
    total += r ; i += chunk ;
  }
  if (done && (!total || data[total] != 0)) abort() ;   /* it stops exactly on the final NUL */
  return 0 ;
}
