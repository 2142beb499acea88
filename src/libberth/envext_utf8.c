/* ISC license. */
/* RFC 6533's utf-8-addr-unitext (an ORCPT of the type "utf-8" in raw UTF-8, under SMTPUTF8)
   and its conversion to utf-8-addr-xtext ("\x{HEX}" for each non-ASCII character), the form
   the envelope's records hold (printable ASCII only: doc/queue.md).
   Trust: the bytes are an SMTP peer's; every sequence is decoded and checked (no overlong
   form, no surrogate, nothing past U+10FFFF). */

#include <skalibs/stralloc.h>
#include <berth/envext.h>

#define HEXUP "0123456789ABCDEF"

/* The character at s[*i]: its code point, or -1 when s holds no valid UTF-8 there or an ASCII
   byte that utf-8-addr-unitext excludes (controls, space, '+', '='); *i moves past it. */
static long next (char const *s, size_t len, size_t *i)
{
  unsigned char c = s[*i] ;
  unsigned int n ;
  unsigned long cp, min ;
  if (c < 0x80)
  {
    (*i)++ ;
    return c < 33 || c > 126 || c == '+' || c == '=' ? -1 : (long)c ;
  }
  if (c >= 0xc2 && c <= 0xdf) { n = 1 ; cp = c & 0x1f ; min = 0x80 ; }
  else if (c >= 0xe0 && c <= 0xef) { n = 2 ; cp = c & 0x0f ; min = 0x800 ; }
  else if (c >= 0xf0 && c <= 0xf4) { n = 3 ; cp = c & 0x07 ; min = 0x10000 ; }
  else return -1 ;
  if (len - *i <= n) return -1 ;
  for (unsigned int k = 1 ; k <= n ; k++)
  {
    unsigned char d = s[*i + k] ;
    if ((d & 0xc0) != 0x80) return -1 ;
    cp = cp << 6 | (d & 0x3f) ;
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1 ;
  *i += n + 1 ;
  return (long)cp ;
}

/* sa += the character cp as utf-8-addr-xtext: itself when ASCII, else "\x{HEX}" */
static int put (stralloc *sa, unsigned long cp)
{
  char buf[12] = "\\x{" ;
  size_t n = 3, d = 0 ;
  char c = (char)cp ;
  if (cp < 0x80) return stralloc_catb(sa, &c, 1) ;
  while (cp >> (4 * (d + 1))) d++ ;
  for (size_t k = d + 1 ; k-- ; ) buf[n++] = HEXUP[(cp >> (4 * k)) & 15] ;
  buf[n++] = '}' ;
  return stralloc_catb(sa, buf, n) ;
}

size_t envext_unitext_len (char const *s, size_t len)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t n = envext_unitext_xtext(&sa, s, len) ? sa.len : 0 ;
  stralloc_free(&sa) ;
  return n ;
}

int envext_unitext_xtext (stralloc *sa, char const *s, size_t len)
{
  size_t i = 0, from = sa->len ;
  while (i < len)
  {
    long cp = next(s, len, &i) ;
    if (cp < 0 || !put(sa, (unsigned long)cp)) { sa->len = from ; return 0 ; }
  }
  return 1 ;
}
