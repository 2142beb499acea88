/* ISC license. */

#include <arpa/nameser.h>
#include <skalibs/genalloc.h>
#include <berth/dns.h>

int dns_mx (struct __res_state *rs, char const *name, stralloc *sa, genalloc *mxs, int *ad)
{
  size_t first = genalloc_len(dns_mxrec, mxs) ;
  size_t n, w ;
  int nulls = 0 ;
  dns_mxrec *s ;
  int r = dns_query(rs, name, ns_t_mx, sa, mxs, ad) ;
  if (r != DNS_OK) return r ;
  s = genalloc_s(dns_mxrec, mxs) ;
  n = genalloc_len(dns_mxrec, mxs) ;
  for (size_t i = w = first ; i < n ; i++)
  {
    char const *t = sa->s + s[i].name ;
    if (!t[0] || (t[0] == '.' && !t[1])) { nulls++ ; continue ; }
    s[w++] = s[i] ;
  }
  genalloc_setlen(dns_mxrec, mxs, w) ;
  if (w == first && nulls) return DNS_NULLMX ;
  return DNS_OK ;
}
