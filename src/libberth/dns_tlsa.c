/* ISC license. */
/* TLSA records of a host's SMTP port (RFC 6698 3, RFC 7672 2.2), for berth-remote's DANE.
   Trust: the answer is untrusted; *ad says whether the trusted resolver validated it. */

#include <string.h>
#include <arpa/nameser.h>
#include <skalibs/types.h>
#include <berth/dns.h>

#define TLSA_PREFIX_MAX (2 + UINT16_FMT + 6)   /* "_25._tcp." */

int dns_tlsa (struct __res_state *rs, char const *name, uint16_t port, stralloc *sa, int *ad)
{
  char q[TLSA_PREFIX_MAX + NS_MAXDNAME] ;
  size_t n = 0, len = strlen(name) ;
  if (len >= NS_MAXDNAME) return DNS_NXDOMAIN ;
  q[n++] = '_' ;
  n += uint16_fmt(q + n, port) ;
  memcpy(q + n, "._tcp.", 6) ; n += 6 ;
  memcpy(q + n, name, len + 1) ;
  return dns_query(rs, q, ns_t_tlsa, sa, 0, ad) ;
}
