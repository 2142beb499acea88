/* ISC license. */
/* xtext (RFC 3461 4.1): the encoding of ENVID and ORCPT values.
   Trust: the bytes are an SMTP peer's or a queue file's; every byte is checked. */

#include <errno.h>
#include <skalibs/stralloc.h>
#include <berth/envext.h>

static int hexval (char c)
{
  if (c >= '0' && c <= '9') return c - '0' ;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10 ;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10 ;
  return -1 ;
}

/* The byte at s[*i], decoded, or -1 when not xtext; *i moves past it. */
static int xchar (char const *s, size_t len, size_t *i)
{
  unsigned char c = s[*i] ;
  if (c == '+')
  {
    int h, l ;
    if (len - *i < 3) return -1 ;
    h = hexval(s[*i + 1]) ; l = hexval(s[*i + 2]) ;
    if (h < 0 || l < 0) return -1 ;
    *i += 3 ;
    return h << 4 | l ;
  }
  if (c < 33 || c > 126 || c == '=') return -1 ;
  (*i)++ ;
  return c ;
}

int xtext_ok (char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len) if (xchar(s, len, &i) < 0) return 0 ;
  return 1 ;
}

int xtext_decode (stralloc *sa, char const *s, size_t len)
{
  size_t i = 0, from = sa->len ;
  while (i < len)
  {
    int c = xchar(s, len, &i) ;
    char b = (char)c ;
    if (c < 0) { sa->len = from ; return (errno = EINVAL, 0) ; }
    if (!stralloc_catb(sa, &b, 1)) { sa->len = from ; return 0 ; }
  }
  return 1 ;
}
