/* ISC license. */

#include <string.h>
#include <strings.h>
#include <skalibs/fmtscan.h>
#include <berth/route.h>

#define IPV6_TAG "IPv6:"

int route_literal (char const *host, int bare, char *ip, int *is6)
{
  size_t len = strlen(host), n ;
  memset(ip, 0, 16) ;
  if (len > 2 && host[0] == '[' && host[len-1] == ']')
  {
    char const *s = host + 1 ;
    len -= 2 ;
    if (len > sizeof(IPV6_TAG) - 1 && !strncasecmp(s, IPV6_TAG, sizeof(IPV6_TAG) - 1))
    {
      s += sizeof(IPV6_TAG) - 1 ; len -= sizeof(IPV6_TAG) - 1 ;
      n = ip6_scan(s, ip) ;
      if (!n || n != len) return 0 ;
      *is6 = 1 ;
      return 1 ;
    }
    n = ip4_scan(s, ip) ;
    if (!n || n != len) return 0 ;
    *is6 = 0 ;
    return 1 ;
  }
  if (!bare) return 0 ;
  n = ip4_scan(host, ip) ;
  if (n && n == len) { *is6 = 0 ; return 1 ; }
  n = ip6_scan(host, ip) ;
  if (n && n == len) { *is6 = 1 ; return 1 ; }
  return 0 ;
}
