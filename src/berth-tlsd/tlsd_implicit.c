/* ISC license. */

/* Implicit TLS (port 465, like s6-tlsd): the child runs the engine at once; the parent waits
   for the handshake info, then execs the app with cleartext pipes on fds 0/1 and the SSL_*
   variables in its environment. A failed handshake: the parent exits with the child's code.
   Trust: the parent may still be root; the engine child is not (TLS_UID) and parses a stranger's
   TLS, so its info is untrusted: only SSL_* names reach the app's environment (sslenv_filter). */

#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/exec.h>
#include <berth/tls.h>
#include <berth/sslenv.h>
#include "tlsd.h"

static size_t read_info (int fd, char *buf, size_t max)
{
  size_t len = 0 ;
  while (len < max)
  {
    ssize_t r = fd_read(fd, buf + len, max - len) ;
    if (r < 0) return 0 ;
    if (!r) break ;
    len += r ;
    if (len >= 2 && !buf[len-1] && !buf[len-2]) return len ;
  }
  return 0 ;
}

void tlsd_implicit (tlsd_conf const *conf)
{
  int a[2], b[2], i[2] ;   /* a: app -> engine, b: engine -> app, i: handshake info */
  char info[BERTHTLS_MAXINFO] ;
  size_t len ;
  pid_t pid ;
  if (pipe(a) < 0 || pipe(b) < 0 || pipe(i) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "create pipes") ;
  pid = fork() ;
  if (pid < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "fork") ;
  if (!pid)
  {
    fd_close(a[1]) ; fd_close(b[0]) ; fd_close(i[0]) ;
    if (!berthtls_drop()) strerr_diefu1sys(BERTHTLS_EXIT_CONFIG, "drop privileges to TLS_UID/TLS_GID") ;
    tlsd_engine(conf, a[0], b[1], i[1]) ;
  }
  fd_close(a[0]) ; fd_close(b[1]) ; fd_close(i[1]) ;
  len = read_info(i[0], info, sizeof info) ;
  fd_close(i[0]) ;
  if (!len)
  {
    int wstat ;
    if (wait_pid(pid, &wstat) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "wait for the TLS engine") ;
    _exit(wait_estatus(wstat) ? wait_estatus(wstat) : BERTHTLS_EXIT_TLS) ;
  }
  if (fd_move(0, b[0]) < 0 || fd_move(1, a[1]) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "move fds") ;
  {
    stralloc modif = STRALLOC_ZERO ;
    int dropped = sslenv_filter(&modif, info, len - 1) ;
    if (dropped < 0 || !tlsd_env_scrub(&modif))
      strerr_diefu1sys(BERTHTLS_EXIT_SYS, "build the environment") ;
    if (dropped) strerr_warnw("the TLS engine's handshake info held names other than SSL_*: dropped") ;
    xmexec_m(conf->argv, modif.s, modif.len) ;
  }
}
