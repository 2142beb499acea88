/* ISC license. */
/* berth-listen: tcpserver and berth-smtpd in one program. Binds host:port, drops to $UID/$GID
   (-U), accepts, and serves each connection in a forked child: tcpserver's environment and
   rules cdb, then berth-smtpd's code (smtpd_main) without an exec. One process per session, as
   under tcpserver; saved are the exec and the C library's start-up per connection (about half a
   millisecond here, doc/performance-log.md). doc/berth-listen.md describes it.
   Trust: peers are untrusted (only their address is used here, then berth-smtpd's checks); the
   options, the environment and the rules cdb are the admin's. Never serves a session as root. */

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/ip46.h>
#include <skalibs/selfpipe.h>
#include <skalibs/setgroups.h>
#include <skalibs/sgetopt.h>
#include <skalibs/sig.h>
#include <skalibs/socket.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/smtpd.h>
#include <berth/stdopts.h>
#include "listen.h"

#define USAGE "berth-listen [ -HRUv ] [ -d notif ] [ -c limit ] [ -b backlog ] [ -m maxuse ] [ -i idle ] [ -x rules.cdb ] [ -l localname ] host port"
#define LIMIT_DEFAULT 40     /* tcpserver's defaults */
#define BACKLOG_DEFAULT 20
#define EXIT_PERM 100
#define EXIT_TEMP 111
#define MAXUSE_DEFAULT 1     /* a process per session, as tcpserver */
#define MAXUSE_MAX 100000
#define IDLE_DEFAULT 100     /* Postfix's max_idle */
#define BACKOFF_MS 100       /* no accept() for that long after it failed for lack of fds or memory */

static int bindto (char const *host, char const *portstr, opts *o)
{
  ip46 ip ;
  uint16_t port ;
  int s ;
  if (!uint160_scan(portstr, &port)) strerr_dief2x(EXIT_PERM, "port must be a number: ", portstr) ;
  if (!strcmp(host, "0"))
  {
    /* any address: IPv6 with IPv4-mapped peers where the kernel has IPv6, else IPv4 */
    ip46_from_ip6(&ip, IP6_ANY) ;
    s = socket_tcp6_internal(O_NONBLOCK | O_CLOEXEC) ;
    if (s < 0) { ip46_from_ip4(&ip, IP4_ANY) ; s = socket_tcp4_internal(O_NONBLOCK | O_CLOEXEC) ; }
  }
  else
  {
    char back[IP4_FMT] ;
    size_t n = ip46_scan(host, &ip) ;
    /* ip4_scan takes 300 for 44: an IPv4 address must read back the same */
    if (!n || host[n] || (!ip46_is6(&ip) && (ip4_fmt(back, ip.ip) != n || memcmp(back, host, n))))
      strerr_dief2x(EXIT_PERM, "host must be an IP address or 0: ", host) ;
    s = socket_tcp46_internal(ip46_is6(&ip), O_NONBLOCK | O_CLOEXEC) ;
  }
  if (s < 0) strerr_diefu1sys(EXIT_TEMP, "create a socket") ;
  if (socket_bind46_reuse(s, &ip, port) < 0) strerr_diefu4sys(EXIT_TEMP, "bind to ", host, " port ", portstr) ;
  if (socket_listen(s, o->backlog) < 0) strerr_diefu1sys(EXIT_TEMP, "listen") ;
  o->is6 = ip46_is6(&ip) ;
  return s ;
}

/* -U: $UID and $GID as s6-envuidgid (or tcpserver -U) expects them */
static void drop (void)
{
  char const *u = getenv("UID") ;
  char const *g = getenv("GID") ;
  uid_t uid ;
  gid_t gid ;
  if (!u || !g || !uid0_scan(u, &uid) || !gid0_scan(g, &gid)) strerr_dief1x(EXIT_PERM, "-U needs $UID and $GID (s6-envuidgid)") ;
  if (skalibs_setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) strerr_diefu1sys(EXIT_TEMP, "drop privileges") ;
}

static void child (opts const *o, int lfd, int conn, unsigned int n) gccattr_noreturn ;
static void child (opts const *o, int lfd, int conn, unsigned int n)
{
  char ip[IP46_FMT + 1] ;
  uint16_t port ;
  int r ;
  selfpipe_finish() ;   /* signals as a freshly exec'ed program has them; the selfpipe closed */
  fd_close(lfd) ;
  r = listen_session_env(o, conn, ip, &port, n) ;
  if (r < 0) _exit(EXIT_TEMP) ;
  if (!r) _exit(EXIT_PERM) ;
  if (fd_move(0, conn) < 0 || fd_copy(1, 0) < 0) _exit(EXIT_TEMP) ;
  PROG = "berth-smtpd" ;
  prctl(PR_SET_NAME, PROG) ;   /* ps and pgrep see berth-smtpd, as under tcpserver */
  smtpd_main() ;
}

static void reap (pool *p, opts const *o, unsigned int *n)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = wait_nohang(&wstat) ;
    if (pid <= 0) break ;
    if (pool_reaped(p, o, pid, wstat, n)) continue ;
    if (*n) (*n)-- ;
    listen_log_end(o, pid, WIFEXITED(wstat) ? (unsigned int)WEXITSTATUS(wstat) : 128 + (unsigned int)WTERMSIG(wstat), *n) ;
  }
}

/* accepts while connections wait and the limit allows, a child for each; 0 when accept()
   failed for lack of a resource (EMFILE...): the connection still waits, so polling the
   socket again at once would spin */
static int take (pool *p, opts const *o, int lfd, unsigned int *n)
{
  while (*n < o->limit)
  {
    char ip[SKALIBS_IP_SIZE] ;
    uint16_t port ;
    pid_t pid ;
    int conn = o->is6 ? socket_accept6_internal(lfd, ip, &port, O_CLOEXEC) : socket_accept4_internal(lfd, ip, &port, O_CLOEXEC) ;
    if (conn < 0)
    {
      if (error_isagain(errno) || errno == ECONNABORTED || errno == EINTR) return 1 ;
      strerr_warnwu1sys("accept") ;
      return 0 ;
    }
    if (o->maxuse > 1)
    {
      if (!pool_give(p, o, lfd, conn, ip, port, n)) return 0 ;
      continue ;
    }
    pid = fork() ;
    if (!pid) child(o, lfd, conn, *n + 1) ;
    fd_close(conn) ;   /* a failed fork drops this one connection: the client retries */
    if (pid < 0) { strerr_warnwu1sys("fork for a session") ; return 0 ; }
    (*n)++ ;
  }
  return 1 ;
}

int main (int argc, char const *const *argv)
{
  opts o = { .limit = LIMIT_DEFAULT, .backlog = BACKLOG_DEFAULT, .maxuse = MAXUSE_DEFAULT, .idle = IDLE_DEFAULT, .rules = 0, .localname = 0, .drop = 0, .verbose = 0, .is6 = 0, .proxy = 0 } ;
  unsigned int n = 0, notif = 0, proxy = 0 ;
  pool p = { .w = 0, .max = 0 } ;
  int lfd, sfd ;
  tain backoff = TAIN_ZERO ;
  PROG = "berth-listen" ;
  berth_stdopts(argc, argv, USAGE) ;
  /* no fastbins: the first large malloc of a forked child would consolidate the parent's, writing
     to (so copying) every heap page holding one (doc/performance.md, "Fastbins and fork") */
  mallopt(M_MXFAST, 0) ;
  tzset() ;   /* once here: the forked sessions inherit it instead of each reading /etc/localtime */
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "HRUvd:c:b:m:i:x:l:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'H' : case 'R' : break ;   /* tcpserver's: berth-listen never looks names up */
        case 'U' : o.drop = 1 ; break ;
        case 'v' : o.verbose = 1 ; break ;
        case 'd' : if (!uint0_scan(l.arg, &notif) || notif < 3) strerr_dieusage(EXIT_PERM, USAGE) ; break ;
        case 'c' : if (!uint0_scan(l.arg, &o.limit) || !o.limit) strerr_dieusage(EXIT_PERM, USAGE) ; break ;
        case 'b' : if (!uint0_scan(l.arg, &o.backlog)) strerr_dieusage(EXIT_PERM, USAGE) ; break ;
        case 'm' : if (!uint0_scan(l.arg, &o.maxuse) || !o.maxuse || o.maxuse > MAXUSE_MAX) strerr_dieusage(EXIT_PERM, USAGE) ; break ;
        case 'i' : if (!uint0_scan(l.arg, &o.idle) || !o.idle) strerr_dieusage(EXIT_PERM, USAGE) ; break ;
        case 'x' : o.rules = l.arg ; break ;
        case 'l' : o.localname = l.arg ; break ;
        default : strerr_dieusage(EXIT_PERM, USAGE) ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc != 2) strerr_dieusage(EXIT_PERM, USAGE) ;
  lfd = bindto(argv[0], argv[1], &o) ;
  if (o.drop) drop() ;
  if (!getuid() || !geteuid()) strerr_dief1x(EXIT_PERM, "refusing to serve sessions as root: use -U with s6-envuidgid, or s6-setuidgid") ;
  {   /* berth-tlsd -P's proxy, for the sessions' STARTTLS: its loss ends this server (s6
       restarts both); a session in progress keeps its engine */
    char const *x = getenv("BERTH_TLSPROXYFD") ;
    if (x && (!uint0_scan(x, &proxy) || proxy < 3 || proxy > INT_MAX)) strerr_dief1x(EXIT_PERM, "invalid BERTH_TLSPROXYFD") ;
    o.proxy = (int)proxy ;
  }
  if (o.maxuse > 1 && !pool_init(&p, &o)) strerr_diefu1sys(EXIT_TEMP, "allocate the workers' table") ;
  sfd = selfpipe_init() ;
  if (sfd < 0) strerr_diefu1sys(EXIT_TEMP, "init the selfpipe") ;
  {
    sigset_t set ;
    sigemptyset(&set) ;
    sigaddset(&set, SIGCHLD) ; sigaddset(&set, SIGTERM) ; sigaddset(&set, SIGINT) ;
    if (!selfpipe_trapset(&set)) strerr_diefu1sys(EXIT_TEMP, "trap signals") ;
  }
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(EXIT_TEMP, "ignore SIGPIPE") ;
  if (notif)
  {  /* s6's readiness: the socket listens and the sessions' user is ours; no probe session */
    if (fd_write((int)notif, "\n", 1) < 1) strerr_diefu1sys(EXIT_TEMP, "write to the notification fd") ;
    fd_close((int)notif) ;
  }
  tain_now_set_stopwatch_g() ;
  for (;;)
  {
    iopause_fd x[3 + p.max] ;
    unsigned int nx = 1, ip = 0, il = 0, iw ;
    tain deadline = TAIN_INFINITE ;
    int waiting = tain_less(&STAMP, &backoff) ;
    int r ;
    x[0].fd = sfd ; x[0].events = IOPAUSE_READ ;
    if (proxy) { ip = nx ; x[nx].fd = (int)proxy ; x[nx++].events = IOPAUSE_READ ; }
    /* at the limit, connections wait in the kernel's queue (-b), as under tcpserver */
    if (n < o.limit && !waiting) { il = nx ; x[nx].fd = lfd ; x[nx++].events = IOPAUSE_READ ; }
    iw = nx ;
    nx += pool_fds(&p, x + nx) ;
    pool_retire(&p, &deadline) ;
    if (waiting && tain_less(&backoff, &deadline)) deadline = backoff ;
    r = iopause_g(x, nx, &deadline) ;
    if (r < 0) strerr_diefu1sys(EXIT_TEMP, "iopause") ;
    if (ip && x[ip].revents) strerr_dief1x(EXIT_TEMP, "the TLS proxy is gone (berth-tlsd -P)") ;
    if (x[0].revents & IOPAUSE_READ)
      for (;;)
      {
        int sig = selfpipe_read() ;
        if (sig <= 0) { if (sig < 0) strerr_diefu1sys(EXIT_TEMP, "read the selfpipe") ; break ; }
        if (sig == SIGCHLD) reap(&p, &o, &n) ;
        else return 0 ;   /* SIGTERM: stop listening; sessions go on to their end, idle workers exit */
      }
    pool_answers(&p, &o, x + iw, nx - iw, &n) ;
    if (il && x[il].revents & IOPAUSE_READ && !take(&p, &o, lfd, &n))
    {
      tain d ;
      tain_from_millisecs(&d, BACKOFF_MS) ;
      tain_add_g(&backoff, &d) ;
    }
  }
}
