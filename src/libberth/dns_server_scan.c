/* ISC license. */

#include <string.h>
#include <skalibs/types.h>
#include <skalibs/fmtscan.h>
#include <berth/dns.h>

int dns_server_scan (char const *s, char *ip, int *is6, uint16_t *port)
{
  size_t n ;
  *port = DNS_DEFAULT_PORT ;
  if (*s == '[')
  {
    char const *end = strchr(s, ']') ;
    if (!end) return 0 ;
    n = ip6_scan(s + 1, ip) ;
    if (!n || s + 1 + n != end) return 0 ;
    *is6 = 1 ;
    s = end + 1 ;
  }
  else if ((n = ip4_scan(s, ip)) && (!s[n] || s[n] == ':'))
  {
    *is6 = 0 ;
    s += n ;
  }
  else
  {
    n = ip6_scan(s, ip) ;
    if (!n || s[n]) return 0 ;
    *is6 = 1 ;
    return 1 ;
  }
  if (!*s) return 1 ;
  if (*s != ':' || !uint160_scan(s + 1, port) || !*port) return 0 ;
  return 1 ;
}
