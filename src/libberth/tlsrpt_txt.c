/* ISC license. */
/* The _smtp._tls TXT record (RFC 8460 3): "v=TLSRPTv1; rua=mailto:a@example.com,https://...",
   fields separated by ';' and optional spaces. Only mailto: is used; https: URIs are counted.
   Trust: the record is the network's: an address keeps only bytes an envelope can carry. */

#include <string.h>
#include <strings.h>
#include <berth/tlsrpt.h>

#define TXT_VERSION "v=TLSRPTv1"
#define RUA "rua="
#define MAILTO "mailto:"
#define HTTPS "https:"

static char const *skipsp (char const *s)
{
  while (*s == ' ' || *s == '\t') s++ ;
  return s ;
}

/* one mailto: address u[0..n): 1 appended, 0 not usable */
static int mailto (stralloc *rua, char const *u, size_t n)
{
  size_t q = 0, at = 0 ;
  while (q < n && u[q] != '?') q++ ;   /* RFC 6068 hfields: none is ours to follow */
  for (size_t i = 0 ; i < q ; i++)
  {
    unsigned char c = u[i] ;
    if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '\\' || c == ',') return 0 ;
    if (c == '@') at = i ;
  }
  if (!at || at + 1 >= q) return 0 ;
  return stralloc_catb(rua, u, q) && stralloc_0(rua) ? 1 : -1 ;
}

/* the rua value v[0..n): -1 out of memory or no usable URI, else 1 */
static int uris (stralloc *rua, char const *v, size_t n, unsigned int *https)
{
  int any = 0 ;
  size_t i = 0 ;
  while (i < n)
  {
    size_t l = 0 ;
    char const *u ;
    while (i < n && (v[i] == ' ' || v[i] == '\t')) i++ ;
    u = v + i ;
    while (i + l < n && v[i + l] != ',') l++ ;
    while (l && (u[l - 1] == ' ' || u[l - 1] == '\t')) l-- ;
    if (l > sizeof MAILTO - 1 && !strncasecmp(u, MAILTO, sizeof MAILTO - 1))
    {
      int r = mailto(rua, u + sizeof MAILTO - 1, l - (sizeof MAILTO - 1)) ;
      if (r < 0) return -1 ;
      if (r) any = 1 ;
    }
    else if (l > sizeof HTTPS - 1 && !strncasecmp(u, HTTPS, sizeof HTTPS - 1)) { (*https)++ ; any = 1 ; }
    while (i < n && v[i] != ',') i++ ;
    if (i < n) i++ ;
  }
  return any ? 1 : -1 ;
}

int tlsrpt_txt_parse (char const *s, stralloc *rua, unsigned int *https)
{
  size_t vl = sizeof TXT_VERSION - 1, start = rua->len ;
  unsigned int h = 0 ;
  int have = 0 ;
  if (strncmp(s, TXT_VERSION, vl)) return 0 ;
  s = skipsp(s + vl) ;
  if (*s && *s != ';') return 0 ;   /* "v=TLSRPTv10": another version */
  while (*s)
  {
    char const *f ;
    size_t n ;
    if (*s++ != ';') goto bad ;
    f = skipsp(s) ;
    if (!*f) break ;
    n = strcspn(f, ";") ;
    if (!strncmp(f, RUA, sizeof RUA - 1))
    {
      if (have || uris(rua, f + sizeof RUA - 1, n - (sizeof RUA - 1), &h) < 0) goto bad ;
      have = 1 ;
    }
    else if (!memchr(f, '=', n)) goto bad ;   /* field = key "=" value */
    s = f + n ;
  }
  if (!have) goto bad ;
  *https += h ;
  return 1 ;
 bad:
  rua->len = start ;
  return -1 ;
}

int tlsrpt_txt_pick (char const *s, size_t len, stralloc *rua, unsigned int *https)
{
  size_t start = rua->len ;
  unsigned int n = 0, h = 0 ;
  int ok = 0 ;
  for (size_t i = 0 ; i < len ; i += strlen(s + i) + 1)
  {
    int r = tlsrpt_txt_parse(s + i, rua, &h) ;
    if (!r) continue ;
    n++ ;
    ok = r > 0 ;
  }
  if (n != 1 || !ok) { rua->len = start ; return 0 ; }
  *https += h ;
  return 1 ;
}
