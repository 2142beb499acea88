/* ISC license. */
/* MTA-STS MX matching (RFC 8461 4.1): a pattern is a host name, or "*." and a suffix that
   stands for exactly one more label on the left; case-insensitive, a final dot ignored. Also
   the check that a domain can name a cache file. Trust: host comes from DNS. */

#include <string.h>
#include <strings.h>
#include <berth/mtasts.h>

int mtasts_mx_match (mtasts_policy const *p, char const *host)
{
  size_t hl = strlen(host) ;
  if (hl && host[hl-1] == '.') hl-- ;
  for (size_t i = 0 ; i < p->mx.len ; i += strlen(p->mx.s + i) + 1)
  {
    char const *pat = p->mx.s + i ;
    size_t pl = strlen(pat) ;
    if (pat[0] == '*')
    {
      char const *dot = memchr(host, '.', hl) ;
      size_t sl = pl - 1 ;   /* ".suffix" */
      if (dot && dot > host && (size_t)(host + hl - dot) == sl && !strncasecmp(dot, pat + 1, sl)) return 1 ;
    }
    else if (pl == hl && !strncasecmp(pat, host, hl)) return 1 ;
  }
  return 0 ;
}

int mtasts_domain_ok (char const *domain, char *out)
{
  size_t n = strlen(domain) ;
  if (n && domain[n-1] == '.') n-- ;
  if (!n || n > MTASTS_DOMAIN_MAX || domain[0] == '.' || domain[0] == '-') return 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char c = domain[i] ;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A' ;
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return 0 ;
    if (c == '.' && (domain[i+1] == '.' || i + 1 == n)) return 0 ;
    out[i] = c ;
  }
  out[n] = 0 ;
  return 1 ;
}
