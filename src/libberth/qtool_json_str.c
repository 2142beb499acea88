/* ISC license. */
/* The queue tools: a byte string as a JSON string (json_str_cat's quoting) written to b. */

#include <berth/qtool.h>
#include <berth/tlsrpt.h>

int qtool_json_str (buffer *b, char const *s, size_t len)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = json_str_cat(&sa, s, len) && buffer_put(b, sa.s, sa.len) >= 0 ? 0 : -1 ;
  stralloc_free(&sa) ;
  return r ;
}
