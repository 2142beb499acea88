/* ISC license. */

#include <string.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <resolv.h>
#include <berth/dns.h>

int dns_setup (struct __res_state *rs, char const *server, unsigned int timeout, unsigned int tries)
{
  char ip[16] ;
  int is6 ;
  uint16_t port ;
  if (server && !dns_server_scan(server, ip, &is6, &port)) return 0 ;
  memset(rs, 0, sizeof *rs) ;
  if (res_ninit(rs) < 0) return 0 ;
  rs->options &= ~(RES_DNSRCH | RES_DEFNAMES | RES_ROTATE) ;
  rs->retrans = timeout ? timeout : 1 ;
  rs->retry = tries ? tries : 1 ;
  if (!server) return 1 ;
  rs->nscount = 1 ;
  if (is6)
  {
    /* glibc keeps IPv6 nameservers in _u._ext.nsaddrs, with sin_family 0 in nsaddr_list */
    struct sockaddr_in6 *sa6 = malloc(sizeof *sa6) ;
    if (!sa6) return 0 ;
    memset(sa6, 0, sizeof *sa6) ;
    sa6->sin6_family = AF_INET6 ;
    sa6->sin6_port = htons(port) ;
    memcpy(&sa6->sin6_addr, ip, 16) ;
    rs->nsaddr_list[0].sin_family = 0 ;
    rs->_u._ext.nsaddrs[0] = sa6 ;
  }
  else
  {
    memset(&rs->nsaddr_list[0], 0, sizeof rs->nsaddr_list[0]) ;
    rs->nsaddr_list[0].sin_family = AF_INET ;
    rs->nsaddr_list[0].sin_port = htons(port) ;
    memcpy(&rs->nsaddr_list[0].sin_addr, ip, 4) ;
    rs->_u._ext.nsaddrs[0] = 0 ;
  }
  return 1 ;
}
