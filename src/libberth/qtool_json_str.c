/* ISC license. */
/* The queue tools: a byte string as a JSON string. Valid UTF-8 is copied; control characters,
   quote and backslash are escaped; a byte that is not part of valid UTF-8 becomes \u00XX (read as
   Latin-1), so the output is always valid JSON and valid UTF-8. */

#include <berth/qtool.h>

int qtool_json_str (buffer *b, char const *s, size_t len)
{
  static char const hex[16] = "0123456789abcdef" ;
  unsigned char const *u = (unsigned char const *)s ;
  if (buffer_put(b, "\"", 1) < 0) return -1 ;
  for (size_t i = 0 ; i < len ; )
  {
    size_t n = qtool_utf8_len(u + i, len - i) ;
    if (n == 1 && u[i] >= 0x20 && u[i] != '"' && u[i] != '\\' && u[i] != 0x7f)
    {
      if (buffer_put(b, s + i, 1) < 0) return -1 ;
    }
    else if (n > 1)
    {
      if (buffer_put(b, s + i, n) < 0) return -1 ;
    }
    else
    {
      char e[6] = { '\\', 'u', '0', '0', hex[u[i] >> 4], hex[u[i] & 15] } ;
      if (u[i] == '"' || u[i] == '\\') { e[4] = '\\' ; e[5] = u[i] ; if (buffer_put(b, e + 4, 2) < 0) return -1 ; }
      else if (buffer_put(b, e, 6) < 0) return -1 ;
      n = 1 ;
    }
    i += n ;
  }
  return buffer_put(b, "\"", 1) < 0 ? -1 : 0 ;
}
