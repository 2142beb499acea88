/* ISC license. */

#include <arpa/nameser.h>
#include <berth/dns.h>

int dns_ip (struct __res_state *rs, char const *name, int is6, genalloc *addrs, int *ad)
{
  return dns_query(rs, name, is6 ? ns_t_aaaa : ns_t_a, 0, addrs, ad) ;
}
