/* ISC license. */

/* UCSPI-TLS (s6-ucspitlsd protocol). Parent: execs the app with SSLCTLFD, SSLREADFD and
   SSLWRITEFD, fds 0/1 still the cleartext socket. Child: waits on the control socketpair:
   EOF = TLS declined (exit 0), 'Y' = TLS with handshake info on SSLCTLFD, 'y' = TLS without. */

#include <unistd.h>
#include <sys/socket.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/exec.h>
#include <berth/tls.h>
#include "tlsd.h"

#define CTL_INFO 'Y'
#define CTL_NOINFO 'y'
#define catlit(sa, s) stralloc_catb(sa, s, sizeof(s) - 1)

/* The engine's side of UCSPI-TLS (also the proxy's, -P): waits for the app's word on ctl. */
void tlsd_ucspi_engine (tlsd_conf const *conf, int appin, int appout, int ctl)
{
  char c ;
  ssize_t r ;
  if (!berthtls_drop()) strerr_diefu1sys(BERTHTLS_EXIT_CONFIG, "drop privileges to TLS_UID/TLS_GID") ;
  r = fd_read(ctl, &c, 1) ;
  if (r < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "read from SSLCTLFD") ;
  if (!r) _exit(0) ;   /* the app declined TLS */
  if (c == CTL_NOINFO) { fd_close(ctl) ; ctl = -1 ; }
  else if (c == CTL_INFO) shutdown(ctl, SHUT_RD) ;
  else strerr_dief1x(BERTHTLS_EXIT_USAGE, "invalid command on SSLCTLFD") ;
  tlsd_engine(conf, appin, appout, ctl) ;
}

void tlsd_ucspi (tlsd_conf const *conf)
{
  int a[2], b[2], c[2] ;   /* a: app -> engine, b: engine -> app, c: control */
  pid_t pid ;
  if (pipe(a) < 0 || pipe(b) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "create pipes") ;
  if (ipc_pair_b(c) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "create control socketpair") ;
  pid = fork() ;
  if (pid < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "fork") ;
  if (!pid)
  {
    fd_close(a[1]) ; fd_close(b[0]) ; fd_close(c[0]) ;
    tlsd_ucspi_engine(conf, a[0], b[1], c[1]) ;
  }
  fd_close(a[0]) ; fd_close(b[1]) ; fd_close(c[1]) ;
  {
    stralloc modif = STRALLOC_ZERO ;
    char fmt[INT_FMT] ;
    if (!stralloc_cats(&modif, "SSLCTLFD=")) goto nomem ;
    fmt[int_fmt(fmt, c[0])] = 0 ;
    if (!stralloc_cats(&modif, fmt) || !catlit(&modif, "\0SSLREADFD=")) goto nomem ;
    fmt[int_fmt(fmt, b[0])] = 0 ;
    if (!stralloc_cats(&modif, fmt) || !catlit(&modif, "\0SSLWRITEFD=")) goto nomem ;
    fmt[int_fmt(fmt, a[1])] = 0 ;
    if (!stralloc_cats(&modif, fmt) || !stralloc_0(&modif)) goto nomem ;
    if (!tlsd_env_scrub(&modif)) goto nomem ;
    xmexec_m(conf->argv, modif.s, modif.len) ;
  }
 nomem:
  strerr_diefu1sys(BERTHTLS_EXIT_SYS, "build the environment") ;
}
