/* ISC license. */
/* berth-mtasts: GET https://mta-sts.DOMAIN/.well-known/mta-sts.txt (RFC 8461 3.3). The name
   is resolved with berth's DNS code (BERTH_DNSSERVER, control/dnsserver), the TLS runs in
   berth-tlsc, which verifies the chain to the trust anchors and the name mta-sts.DOMAIN.
   Trust: the server is untrusted; its reply is bounded (HTTP_HEAD_MAX + MTASTS_POLICY_MAX). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/genalloc.h>
#include <skalibs/socket.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/dns.h>
#include <berth/mtasts.h>
#include <berth/sibling.h>
#include "fetch.h"

#define DNS_TIMEOUT 5
#define DNS_TRIES 2
#define HOST_PREFIX "mta-sts."

static int resolve (char const *host, genalloc *addrs, char const **why)
{
  struct __res_state rs ;
  stralloc sa = STRALLOC_ZERO ;
  char const *server = dns_server_read(&sa) ;
  int r4, r6 ;
  if (!dns_setup(&rs, server, DNS_TIMEOUT, DNS_TRIES)) return (*why = "unable to set up the resolver", 0) ;
  r4 = dns_ip(&rs, host, 0, addrs, 0) ;
  r6 = dns_ip(&rs, host, 1, addrs, 0) ;
  res_nclose(&rs) ;
  stralloc_free(&sa) ;
  if (genalloc_len(dns_addr, addrs)) return 1 ;
  *why = r4 == DNS_TEMP || r6 == DNS_TEMP ? "the address lookup failed temporarily" : "the policy host has no address" ;
  return 0 ;
}

static int connect_any (genalloc const *addrs)
{
  for (size_t i = 0 ; i < genalloc_len(dns_addr, addrs) ; i++)
  {
    dns_addr const *a = genalloc_s(dns_addr, addrs) + i ;
    int fd = a->is6 ? socket_tcp6_b() : socket_tcp4_b() ;
    if (fd < 0) continue ;
    if ((a->is6 ? socket_connect6(fd, a->ip, HTTPS_PORT) : socket_connect4(fd, a->ip, HTTPS_PORT)) == 0) return fd ;
    fd_close(fd) ;
  }
  return -1 ;
}

/* berth-tlsc on fd; *to: write the request there, *from: read the reply. Its pid, or -1. */
static pid_t tlsc (int fd, char const *host, char const *anchors, unsigned int secs, int *to, int *from)
{
  int a[2], b[2] ;
  char fsock[INT_FMT], fa[INT_FMT], fb[INT_FMT], fms[UINT_FMT] ;
  char const *argv[14] ;
  unsigned int n = 0 ;
  pid_t pid ;
  if (pipe(a) < 0) return -1 ;
  if (pipe(b) < 0) { fd_close(a[0]) ; fd_close(a[1]) ; return -1 ; }
  fsock[int_fmt(fsock, fd)] = 0 ;
  fa[int_fmt(fa, a[0])] = 0 ;
  fb[int_fmt(fb, b[1])] = 0 ;
  fms[uint_fmt(fms, secs * 1000)] = 0 ;
  argv[n++] = berth_tlsc_path() ;
  argv[n++] = "-v" ; argv[n++] = "-k" ; argv[n++] = host ;
  argv[n++] = "-a" ; argv[n++] = anchors ;
  argv[n++] = "-K" ; argv[n++] = fms ;
  argv[n++] = "--" ; argv[n++] = fsock ; argv[n++] = fa ; argv[n++] = fb ;
  argv[n++] = 0 ;
  pid = fork() ;
  if (!pid)
  {
    fd_close(a[1]) ; fd_close(b[0]) ;
    if (strchr(argv[0], '/')) execv(argv[0], (char *const *)argv) ;
    else execvp(argv[0], (char *const *)argv) ;
    strerr_diefu2sys(111, "exec ", argv[0]) ;
  }
  fd_close(a[0]) ; fd_close(b[1]) ; fd_close(fd) ;
  if (pid < 0) { fd_close(a[1]) ; fd_close(b[0]) ; return -1 ; }
  *to = a[1] ; *from = b[0] ;
  return pid ;
}

int mtasts_fetch (char const *domain, char const *anchors, unsigned int secs, stralloc *reply, char const **why)
{
  genalloc addrs = GENALLOC_ZERO ;
  stralloc host = STRALLOC_ZERO, req = STRALLOC_ZERO ;
  int fd, to, from, wstat, ok = 0 ;
  pid_t pid ;
  if (!stralloc_cats(&host, HOST_PREFIX) || !stralloc_cats(&host, domain) || !stralloc_0(&host)) return (*why = "out of memory", 0) ;
  if (!resolve(host.s, &addrs, why)) goto end ;
  fd = connect_any(&addrs) ;
  if (fd < 0) { *why = "unable to connect to the policy host on port 443" ; goto end ; }
  pid = tlsc(fd, host.s, anchors, secs, &to, &from) ;
  if (pid < 0) { fd_close(fd) ; *why = "unable to run berth-tlsc" ; goto end ; }
  if (!stralloc_cats(&req, "GET " WELL_KNOWN " HTTP/1.1\r\nHost: ") || !stralloc_cats(&req, host.s)
   || !stralloc_cats(&req, "\r\nUser-Agent: berth-mtasts\r\nAccept: text/plain\r\nConnection: close\r\n\r\n"))
  { *why = "out of memory" ; goto reap ; }
  if (allwrite(to, req.s, req.len) < req.len) { *why = "the TLS session failed (name, chain or handshake: see berth-tlsc's line)" ; goto reap ; }
  reply->len = 0 ;
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(reply, 4096)) { *why = "out of memory" ; goto reap ; }
    r = fd_read(from, reply->s + reply->len, 4096) ;
    if (r < 0) { *why = "read error" ; goto reap ; }
    if (!r) break ;
    reply->len += r ;
    if (reply->len > HTTP_HEAD_MAX + MTASTS_POLICY_MAX) { *why = "a reply over 64 KiB" ; goto reap ; }
  }
  if (!reply->len) { *why = "no reply (the TLS session failed: name, chain or handshake, see berth-tlsc's line)" ; goto reap ; }
  ok = 1 ;
 reap:
  fd_close(to) ; fd_close(from) ;
  if (wait_pid(pid, &wstat) < 0) ok = 0 ;
 end:
  stralloc_free(&host) ;
  stralloc_free(&req) ;
  genalloc_free(dns_addr, &addrs) ;
  return ok ;
}
