/* ISC license. */
/* berth-remote: the addresses of this host (qmail's ipme): every local interface address,
   127.0.0.0/8, ::1, the unspecified 0.0.0.0 and :: (a connect to them reaches this host), the
   IPv4-mapped forms of those, and control/moreipme; control/notipme takes addresses out (a
   service of another host behind a local address, a test's sink). An MX or A/AAAA record that
   leads here would deliver the message to ourselves (doc/berth-remote.md, "Mail loops").
   Trust: the control files are the admin's; the addresses checked come from DNS. */

#include <errno.h>
#include <string.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <skalibs/fmtscan.h>
#include <skalibs/stralloc.h>
#include <berth/control.h>
#include "targets.h"

#define REC 17   /* a record: is6, then 16 bytes (IPv4 in the first 4) */

static int put (stralloc *sa, char const *ip, int is6)
{
  char rec[REC] = { 0 } ;
  rec[0] = !!is6 ;
  memcpy(rec + 1, ip, is6 ? 16 : 4) ;
  return stralloc_catb(sa, rec, REC) ;
}

/* each line an IPv4 or IPv6 address; 0 with errno EINVAL on any other line */
static int readfile (stralloc *sa, char const *file)
{
  stralloc l = STRALLOC_ZERO ;
  int r = control_readlines(&l, file) >= 0 ;
  for (size_t i = 0 ; r && i < l.len ; i += strlen(l.s + i) + 1)
  {
    char ip[16] ;
    size_t n = strlen(l.s + i) ;
    if (ip4_scan(l.s + i, ip) == n && n) r = put(sa, ip, 0) ;
    else if (ip6_scan(l.s + i, ip) == n && n) r = put(sa, ip, 1) ;
    else { errno = EINVAL ; r = 0 ; }
  }
  stralloc_free(&l) ;
  return r ;
}

int remote_ipme_read (ipme *me)
{
  struct ifaddrs *ifa, *x ;
  int r = 1 ;
  me->more.len = 0 ; me->not.len = 0 ;
  if (!readfile(&me->more, "control/moreipme")) return 0 ;
  if (!readfile(&me->not, "control/notipme")) return 0 ;
  if (getifaddrs(&ifa) < 0) return 0 ;
  for (x = ifa ; r && x ; x = x->ifa_next)
  {
    if (!x->ifa_addr) continue ;
    if (x->ifa_addr->sa_family == AF_INET)
      r = put(&me->more, (char const *)&((struct sockaddr_in const *)x->ifa_addr)->sin_addr, 0) ;
    else if (x->ifa_addr->sa_family == AF_INET6)
      r = put(&me->more, (char const *)&((struct sockaddr_in6 const *)x->ifa_addr)->sin6_addr, 1) ;
  }
  freeifaddrs(ifa) ;
  return r ;
}

static int listed (stralloc const *sa, char const *ip, int is6)
{
  for (size_t i = 0 ; i + REC <= sa->len ; i += REC)
    if (sa->s[i] == !!is6 && !memcmp(sa->s + i + 1, ip, is6 ? 16 : 4)) return 1 ;
  return 0 ;
}

static char const v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (char)0xff, (char)0xff } ;
static char const zero16[16] = { 0 } ;
static char const loop6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } ;

int remote_ipme_is (ipme const *me, char const *ip, int is6)
{
  if (listed(&me->not, ip, is6)) return 0 ;
  if (is6 && !memcmp(ip, v4mapped, 12)) return remote_ipme_is(me, ip + 12, 0) ;
  if (is6 ? !memcmp(ip, zero16, 16) || !memcmp(ip, loop6, 16) : ip[0] == 127 || !memcmp(ip, zero16, 4)) return 1 ;
  return listed(&me->more, ip, is6) ;
}
