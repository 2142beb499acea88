/* ISC license. */
/* Trusting the AD bit (RFC 6840 5.7, RFC 7672 2.1): only from a validating nameserver on this
   host, so that no network lies between its verdict and us. Trust: the nameserver list is the
   administrator's (control/dnsserver, $BERTH_DNSSERVER or resolv.conf). */

#include <string.h>
#include <netinet/in.h>
#include <resolv.h>
#include <berth/dns.h>

#define LOOPBACK4_NET 127

static int loopback (struct __res_state const *rs, int i)
{
  struct sockaddr_in6 const *a6 = rs->_u._ext.nsaddrs[i] ;
  if (rs->nsaddr_list[i].sin_family == AF_INET)
    return ((unsigned char const *)&rs->nsaddr_list[i].sin_addr)[0] == LOOPBACK4_NET ;
  return a6 && a6->sin6_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr) ;
}

int dns_trustad (struct __res_state *rs)
{
  for (int i = 0 ; i < rs->nscount ; i++)
    if (!loopback(rs, i)) return 0 ;
  rs->options |= RES_USE_EDNS0 | RES_USE_DNSSEC | RES_TRUSTAD ;
  return 1 ;
}
