/* ISC license. */
/* A byte string as a JSON string (RFC 8259 7), appended to a stralloc: valid UTF-8 is copied;
   control characters, quote and backslash are escaped; a byte that is not part of valid UTF-8
   becomes \u00XX (read as Latin-1), so the output is always valid JSON and valid UTF-8.
   Trust: s is anyone's bytes. */

#include <berth/qtool.h>
#include <berth/tlsrpt.h>

int json_str_cat (stralloc *sa, char const *s, size_t len)
{
  static char const hex[16] = "0123456789abcdef" ;
  unsigned char const *u = (unsigned char const *)s ;
  if (!stralloc_catb(sa, "\"", 1)) return 0 ;
  for (size_t i = 0 ; i < len ; )
  {
    size_t n = qtool_utf8_len(u + i, len - i) ;
    if (n == 1 && u[i] >= 0x20 && u[i] != '"' && u[i] != '\\' && u[i] != 0x7f)
    {
      if (!stralloc_catb(sa, s + i, 1)) return 0 ;
    }
    else if (n > 1)
    {
      if (!stralloc_catb(sa, s + i, n)) return 0 ;
    }
    else
    {
      char e[6] = { '\\', 'u', '0', '0', hex[u[i] >> 4], hex[u[i] & 15] } ;
      if (u[i] == '"' || u[i] == '\\') { e[4] = '\\' ; e[5] = u[i] ; if (!stralloc_catb(sa, e + 4, 2)) return 0 ; }
      else if (!stralloc_catb(sa, e, 6)) return 0 ;
      n = 1 ;
    }
    i += n ;
  }
  return stralloc_catb(sa, "\"", 1) ;
}
