/* ISC license. */
/* The environment of one connection, exactly the variables Debian's tcpserver (ucspi-tcp-ipv6)
   sets with -H -R: PROTO (TCP, or TCP6 for a real IPv6 peer), TCPLOCALIP/PORT/HOST,
   TCPREMOTEIP/PORT, their TCP6 twins (an IPv4 address as ::ffff:a.b.c.d there), and no
   TCPREMOTEHOST or TCPREMOTEINFO. Trust: the addresses are the kernel's. Runs in the child. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/fmtscan.h>
#include <skalibs/ip46.h>
#include <skalibs/types.h>
#include "listen.h"

#define V4MAPPED "\0\0\0\0\0\0\0\0\0\0\377\377"
#define V4MAPPED_PREFIX "::ffff:"

/* s gets the TCP form, s6 the TCP6 form; 1 when the address is IPv6 proper */
static int fmt (char *s, char *s6, ip46 const *a)
{
  char const *v4 = !a->is6 ? a->ip : !memcmp(a->ip, V4MAPPED, 12) ? a->ip + 12 : 0 ;
  if (v4)
  {
    s[ip4_fmt(s, v4)] = 0 ;
    memcpy(s6, V4MAPPED_PREFIX, sizeof(V4MAPPED_PREFIX) - 1) ;
    strcpy(s6 + sizeof(V4MAPPED_PREFIX) - 1, s) ;
    return 0 ;
  }
  s[ip6_fmt(s, a->ip)] = 0 ;
  strcpy(s6, s) ;
  return 1 ;
}

static int set2 (char const *name, char const *name6, char const *value)
{
  return setenv(name, value, 1) == 0 && setenv(name6, value, 1) == 0 ;
}

int listen_env (int conn, char const *localname, char *ipstr, uint16_t *port)
{
  ip46 l, r ;
  uint16_t lport, rport ;
  char ls[IP46_FMT + 1], ls6[IP46_FMT + sizeof(V4MAPPED_PREFIX)], rs6[IP46_FMT + sizeof(V4MAPPED_PREFIX)] ;
  char lp[UINT16_FMT], rp[UINT16_FMT] ;
  int is6 ;
  if (socket_local46(conn, &l, &lport) < 0 || socket_remote46(conn, &r, &rport) < 0) return 0 ;
  fmt(ls, ls6, &l) ;
  is6 = fmt(ipstr, rs6, &r) ;
  lp[uint16_fmt(lp, lport)] = 0 ;
  rp[uint16_fmt(rp, rport)] = 0 ;
  *port = rport ;
  if (setenv("PROTO", is6 ? "TCP6" : "TCP", 1) < 0
   || setenv("TCPLOCALIP", ls, 1) < 0 || setenv("TCP6LOCALIP", ls6, 1) < 0
   || !set2("TCPLOCALPORT", "TCP6LOCALPORT", lp)
   || setenv("TCPREMOTEIP", ipstr, 1) < 0 || setenv("TCP6REMOTEIP", rs6, 1) < 0
   || !set2("TCPREMOTEPORT", "TCP6REMOTEPORT", rp)
   || (localname ? !set2("TCPLOCALHOST", "TCP6LOCALHOST", localname) : unsetenv("TCPLOCALHOST") < 0 || unsetenv("TCP6LOCALHOST") < 0)
   || unsetenv("TCPREMOTEHOST") < 0 || unsetenv("TCP6REMOTEHOST") < 0
   || unsetenv("TCPREMOTEINFO") < 0 || unsetenv("TCP6REMOTEINFO") < 0) return 0 ;
  return 1 ;
}

void listen_ip_fmt (char *s, ip46 const *a)
{
  char s6[IP46_FMT + sizeof(V4MAPPED_PREFIX)] ;
  fmt(s, s6, a) ;
}
