/* ISC license. */

/* Proxy mode (-P): TLS for STARTTLS sessions of a server that does not exec per connection
   (berth-listen). berth-tlsd makes a SOCK_SEQPACKET socketpair, starts the proxy as an orphan
   (not the server's child: berth-listen counts its children as sessions) and execs prog with
   BERTH_TLSPROXYFD naming its end. At STARTTLS a session sends one private socketpair end
   ('S'), then over that channel its TCP socket ('c'), the read end of the pipe it writes
   cleartext to ('a') and the write end of the pipe it reads cleartext from ('b'); the channel
   is then SSLCTLFD of UCSPI-TLS ('Y', handshake info). The proxy forks an engine per session.
   It exits when every holder of the server's end is gone (the server and its sessions).
   Trust: the proxy holds the keys; it runs as TLS_UID/TLS_GID, never as root. The sessions are
   trusted (the server's own code); the client only ever talks to BearSSL in an engine. */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <skalibs/ancil.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/exec.h>
#include <skalibs/ip46.h>
#include <skalibs/sig.h>
#include <skalibs/socket.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/tls.h>
#include "tlsd.h"

#define CH_SESSION 'S'
#define CH_SOCKET 'c'
#define CH_APPIN 'a'
#define CH_APPOUT 'b'
#define PROXY_FD 3   /* the proxy's end, after every other inherited fd is closed */
#define PROXY_RECV_TIMEOUT 10   /* seconds for a session's fds after its channel */

/* ancil_recv_fd does not block (MSG_DONTWAIT): wait for fd to be readable, deadline 0 = none. */
static int waitread (int fd, tain const *deadline)
{
  iopause_fd x = { .fd = fd, .events = IOPAUSE_READ } ;
  int r = iopause_g(&x, 1, deadline) ;
  if (!r) errno = ETIMEDOUT ;
  return r > 0 || (r < 0 && errno == EINTR) ;
}

/* One fd the session sends right after its channel: a session that never sends it is dropped. */
static int recvfd (int ch, char tag, char const *what)
{
  tain deadline ;
  tain_now_set_stopwatch_g() ;
  tain_addsec_g(&deadline, PROXY_RECV_TIMEOUT) ;
  for (;;)
  {
    int fd = ancil_recv_fd(ch, tag) ;
    if (fd >= 0) return fd ;
    if ((!error_isagain(errno) && errno != EINTR) || !waitread(ch, &deadline)) break ;
  }
  strerr_diefu2sys(BERTHTLS_EXIT_SYS, "receive the session's ", what) ;
}

static void session (tlsd_conf const *conf, int ch) gccattr_noreturn ;
static void session (tlsd_conf const *conf, int ch)
{
  int s = recvfd(ch, CH_SOCKET, "socket") ;
  int appin = recvfd(ch, CH_APPIN, "cleartext pipe") ;
  int appout = recvfd(ch, CH_APPOUT, "cleartext pipe") ;
  ip46 ip ;
  uint16_t port ;
  if (fd_move(0, s) < 0 || fd_copy(1, 0) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "move the session's socket") ;
  if (socket_remote46(0, &ip, &port) == 0)
  {   /* the engine's error lines name the client, as under tcpserver */
    char fmt[IP46_FMT] ;
    fmt[ip46_fmt(fmt, &ip)] = 0 ;
    if (setenv("TCPREMOTEIP", fmt, 1) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "setenv") ;
  }
  tlsd_ucspi_engine(conf, appin, appout, ch) ;
}

static void serve (tlsd_conf const *conf) gccattr_noreturn ;
static void serve (tlsd_conf const *conf)
{
  int null = open_readb("/dev/null") ;
  if (null < 0 || fd_move(0, null) < 0 || fd_copy(1, 2) < 0)
    strerr_diefu1sys(BERTHTLS_EXIT_SYS, "set up the proxy's fds") ;
  if (close_range(PROXY_FD + 1, ~0U, 0) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "close inherited fds") ;
  if (!berthtls_drop()) strerr_diefu1sys(BERTHTLS_EXIT_CONFIG, "drop privileges to TLS_UID/TLS_GID") ;
  if (!geteuid()) strerr_dief1x(BERTHTLS_EXIT_CONFIG, "refusing to run the TLS proxy as root: set TLS_UID and TLS_GID") ;
  sig_ignore(SIGCHLD) ;   /* engines are reaped by the kernel */
  for (;;)
  {
    int ch = ancil_recv_fd(PROXY_FD, CH_SESSION) ;
    pid_t pid ;
    if (ch < 0)
    {
      if (errno == EPIPE) _exit(0) ;   /* the server and all its sessions are gone */
      if (errno == EINTR) continue ;
      if (error_isagain(errno))
      {
        if (!waitread(PROXY_FD, 0)) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "iopause") ;
        continue ;
      }
      strerr_warnwu1sys("receive a session") ;
      continue ;
    }
    pid = fork() ;
    if (pid < 0) strerr_warnwu1sys("fork an engine") ;   /* the session sees its channel close */
    if (!pid) { fd_close(PROXY_FD) ; sig_restore(SIGCHLD) ; session(conf, ch) ; }
    fd_close(ch) ;
  }
}

void tlsd_proxy (tlsd_conf const *conf)
{
  int s[2] ;
  pid_t pid ;
  if (socketpair_internal(AF_UNIX, SOCK_SEQPACKET, 0, 0, s) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "create the proxy's socketpair") ;
  pid = fork() ;
  if (pid < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "fork") ;
  if (!pid)
  {
    pid_t p = fork() ;
    if (p < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "fork the proxy") ;
    if (p) _exit(0) ;
    fd_close(s[0]) ;
    if (s[1] != PROXY_FD && fd_move(PROXY_FD, s[1]) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "move the proxy's socket") ;
    serve(conf) ;
  }
  fd_close(s[1]) ;
  {
    int wstat ;
    if (wait_pid(pid, &wstat) < 0 || wait_estatus(wstat)) strerr_diefu1x(BERTHTLS_EXIT_SYS, "start the TLS proxy") ;
  }
  {
    char fmt[INT_FMT] ;
    fmt[int_fmt(fmt, s[0])] = 0 ;
    if (setenv("BERTH_TLSPROXYFD", fmt, 1) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "setenv") ;
  }
  xexec(conf->argv) ;
}
