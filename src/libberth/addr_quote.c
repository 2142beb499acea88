/* ISC license. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/addrquote.h>

/* Characters allowed unquoted in a local part (RFC 822 atom, as qmail's quote.c). */
static int atomchar (unsigned char c)
{
  if (c >= 128) return 0 ;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1 ;
  return c && !!strchr("!#$%&'*+-/=?^_`{|}~.", c) ;
}

static int need (char const *s, size_t n)
{
  if (!n || s[0] == '.' || s[n-1] == '.') return 1 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (!atomchar(s[i])) return 1 ;
    if (i + 1 < n && s[i] == '.' && s[i+1] == '.') return 1 ;
  }
  return 0 ;
}

int addr_quote (stralloc *sa, char const *s)
{
  char const *at = strrchr(s, '@') ;
  size_t n = at ? (size_t)(at - s) : strlen(s) ;
  if (!*s) return 1 ;
  if (!need(s, n)) return stralloc_cats(sa, s) ;
  if (!stralloc_readyplus(sa, 2 * n + 2)) return 0 ;
  sa->s[sa->len++] = '"' ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char c = s[i] ;
    if (c == '\r' || c == '\n' || c == '"' || c == '\\') sa->s[sa->len++] = '\\' ;
    sa->s[sa->len++] = c ;
  }
  sa->s[sa->len++] = '"' ;
  return at ? stralloc_cats(sa, at) : 1 ;
}
