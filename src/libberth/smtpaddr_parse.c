/* ISC license. */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>
#include <berth/smtpaddr.h>

static int atext (unsigned char c)
{
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80) return 1 ;
  return c && !!strchr("!#$%&'*+-/=?^_`{|}~", c) ;
}

/* Length of a domain or literal at s: up to the first byte that can end one. */
static size_t domain_span (char const *s, size_t len)
{
  size_t i = 0 ;
  if (len && s[0] == '[')
  {
    while (i < len && s[i] != ']') i++ ;
    return i < len ? i + 1 : 0 ;
  }
  while (i < len && s[i] != '>' && s[i] != ',' && s[i] != ':' && s[i] != ' ') i++ ;
  return i ;
}

static ssize_t fail (int e) { errno = e ; return 0 ; }

ssize_t smtpaddr_parse (stralloc *sa, smtpaddr *a, char const *s, size_t len)
{
  size_t i = 1, n ;
  int lit ;
  a->flags = 0 ; a->at = 0 ;
  sa->len = 0 ;
  if (!len || s[0] != '<') return fail(EINVAL) ;
  if (len >= 2 && s[1] == '>')
  {
    a->flags = SMTPADDR_NULL ;
    if (!stralloc_0(sa)) return -1 ;
    sa->len = 0 ;
    return 2 ;
  }

  /* A-d-l ":" : each "@domain" checked, then dropped (RFC 5321 4.1.1.3, appendix C). */
  if (i < len && s[i] == '@')
  {
    for (;;)
    {
      i++ ;
      n = domain_span(s + i, len - i) ;
      if (!n || !smtpaddr_domain_ok(s + i, n, &lit)) return fail(EINVAL) ;
      i += n ;
      if (i < len && s[i] == ',' && i + 1 < len && s[i+1] == '@') { i++ ; continue ; }
      if (i < len && s[i] == ':') { i++ ; break ; }
      return fail(EINVAL) ;
    }
    a->flags |= SMTPADDR_ROUTE ;
  }

  /* Local part: dot-string or quoted-string, stored unquoted. */
  if (i < len && s[i] == '"')
  {
    a->flags |= SMTPADDR_QUOTED ;
    for (i++ ;; i++)
    {
      unsigned char c ;
      if (i >= len) return fail(EINVAL) ;
      c = s[i] ;
      if (c == '"') { i++ ; break ; }
      if (c == '\\')
      {
        if (++i >= len) return fail(EINVAL) ;
        c = s[i] ;
        if (c < 32 || c == 127) return fail(EINVAL) ;
      }
      else if (c < 32 || c == 127) return fail(EINVAL) ;
      if (c >= 0x80) a->flags |= SMTPADDR_8BIT ;
      if (c == '@' || c == '%' || c == '!') a->flags |= SMTPADDR_SPECIAL ;
      if (!stralloc_catb(sa, (char *)&c, 1)) return -1 ;
    }
    if (!sa->len) return fail(EINVAL) ;
  }
  else
  {
    size_t start = i ;
    for (; i < len && (atext(s[i]) || s[i] == '.') ; i++)
    {
      if (s[i] == '.' && (i == start || s[i-1] == '.')) return fail(EINVAL) ;
      if ((unsigned char)s[i] >= 0x80) a->flags |= SMTPADDR_8BIT ;
      if (s[i] == '%' || s[i] == '!') a->flags |= SMTPADDR_SPECIAL ;
    }
    if (i == start || s[i-1] == '.') return fail(EINVAL) ;
    if (!stralloc_catb(sa, s + start, i - start)) return -1 ;
  }

  a->at = sa->len ;
  if (i < len && s[i] == '@')
  {
    i++ ;
    n = domain_span(s + i, len - i) ;
    if (!n || !smtpaddr_domain_ok(s + i, n, &lit)) return fail(EINVAL) ;
    if (lit) a->flags |= SMTPADDR_LITERAL ;
    {
      size_t j = 0 ;
      for (; j < n ; j++) if ((unsigned char)s[i+j] >= 0x80) a->flags |= SMTPADDR_8BIT ;
    }
    if (!stralloc_catb(sa, "@", 1) || !stralloc_catb(sa, s + i, n)) return -1 ;
    i += n ;
  }
  else a->flags |= SMTPADDR_NODOMAIN ;
  if (i >= len || s[i] != '>') return fail(EINVAL) ;
  if (sa->len >= QQ_ADDR_MAX) return fail(ENAMETOOLONG) ;
  if (!stralloc_0(sa)) return -1 ;
  sa->len-- ;
  return i + 1 ;
}
