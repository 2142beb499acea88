/* ISC license. */
/* berth-remote: TLS through berth-tlsc (doc/berth-tlsc.md). berth-remote links no crypto: it
   hands its socket to berth-tlsc after the server's 220 to STARTTLS and goes on talking SMTP
   in cleartext over two pipes. Trust: berth-tlsc and its handshake info are ours; the server
   only reaches BearSSL inside berth-tlsc. */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/gccattributes.h>
#include <skalibs/iopause.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/sibling.h>
#include "remote.h"

#define TLSC_GRACE 5              /* seconds for the info on top of the handshake deadline */
#define TLSC_ARGS (18 + 2 * TLSA_ARGS_MAX)

static void child (char const *const *argv, int const *keep, unsigned int n) gccattr_noreturn ;
static void child (char const *const *argv, int const *keep, unsigned int n)
{
  int null = open_readb("/dev/null") ;
  /* neither the message (fd 0) nor the report (fd 1) is berth-tlsc's business */
  if (null < 0 || fd_move(0, null) < 0 || fd_copy(1, 0) < 0) strerr_diefu1sys(111, "redirect to /dev/null") ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (uncoe(keep[i]) < 0) strerr_diefu1sys(111, "uncoe") ;
  if (strchr(argv[0], '/')) execv(argv[0], (char *const *)argv) ;
  else execvp(argv[0], (char *const *)argv) ;
  strerr_diefu2sys(111, "exec ", argv[0]) ;
}

/* reads berth-tlsc's handshake info until EOF or the deadline */
static void readinfo (int fd, stralloc *info, unsigned int secs)
{
  tain deadline ;
  tain_now_g() ;
  tain_addsec_g(&deadline, secs) ;
  for (;;)
  {
    iopause_fd x = { .fd = fd, .events = IOPAUSE_READ } ;
    char buf[512] ;
    ssize_t r = fd_read(fd, buf, sizeof buf) ;
    if (!r) return ;
    if (r > 0)
    {
      if (info->len + r > TLS_INFO_MAX || !stralloc_catb(info, buf, r)) { info->len = 0 ; return ; }
      continue ;
    }
    if (!error_isagain(errno)) { info->len = 0 ; return ; }
    if (iopause_g(&x, 1, &deadline) <= 0) { info->len = 0 ; return ; }
  }
}

int remote_tlsc_start (rconn *c, rcfg const *cfg, stralloc *info, int *wstat)
{
  int to[2], from[2], ctl[2] ;
  char fsock[INT_FMT], fto[INT_FMT], ffrom[INT_FMT], fctl[INT_FMT], fms[UINT_FMT] ;
  char const *argv[TLSC_ARGS] ;
  unsigned int n = 0 ;
  char const *name = cfg->tlsname ? cfg->tlsname : c->literal ? 0 : c->host ;
  int failed ;
  pid_t pid ;
  if (pipecoe(to) < 0) return (*wstat = 111 << 8, 0) ;
  if (pipecoe(from) < 0) { fd_close(to[0]) ; fd_close(to[1]) ; return (*wstat = 111 << 8, 0) ; }
  if (pipecoe(ctl) < 0)
  {
    fd_close(to[0]) ; fd_close(to[1]) ; fd_close(from[0]) ; fd_close(from[1]) ;
    return (*wstat = 111 << 8, 0) ;
  }
  fsock[int_fmt(fsock, c->fd)] = 0 ;
  fto[int_fmt(fto, to[0])] = 0 ;
  ffrom[int_fmt(ffrom, from[1])] = 0 ;
  fctl[int_fmt(fctl, ctl[1])] = 0 ;
  fms[uint_fmt(fms, TIMEOUT(cfg, TO_TLS) * 1000)] = 0 ;
  argv[n++] = cfg->tlsc ;
  argv[n++] = c->tlslevel == TLS_VERIFY ? "-v" : "-n" ;
  if (name) { argv[n++] = "-k" ; argv[n++] = name ; }
  if (cfg->tlsanchors) { argv[n++] = "-a" ; argv[n++] = cfg->tlsanchors ; }
  for (size_t i = 0, k = 0 ; i < c->tlsa.len && k < TLSA_ARGS_MAX ; i += strlen(c->tlsa.s + i) + 1, k++)
  {  /* DANE: berth-tlsc matches these instead of the anchors */
    argv[n++] = "-t" ; argv[n++] = c->tlsa.s + i ;
  }
  argv[n++] = "-K" ; argv[n++] = fms ;
  argv[n++] = "-d" ; argv[n++] = fctl ; argv[n++] = "-r" ;
  argv[n++] = "--" ; argv[n++] = fsock ; argv[n++] = fto ; argv[n++] = ffrom ;
  argv[n++] = 0 ;
  pid = fork() ;
  if (!pid)
  {
    int keep[4] = { c->fd, to[0], from[1], ctl[1] } ;
    child(argv, keep, 4) ;
  }
  fd_close(to[0]) ; fd_close(from[1]) ; fd_close(ctl[1]) ;
  fd_close(c->fd) ;   /* berth-tlsc owns the connection now */
  c->fd = c->wfd = -1 ;
  if (pid < 0)
  {
    fd_close(to[1]) ; fd_close(from[0]) ; fd_close(ctl[0]) ;
    return (*wstat = 111 << 8, 0) ;
  }
  info->len = 0 ;
  if (ndelay_on(ctl[0]) < 0) info->len = 0 ;
  else readinfo(ctl[0], info, TIMEOUT(cfg, TO_TLS) + TLSC_GRACE) ;
  fd_close(ctl[0]) ;
  failed = info->len && !strncmp(info->s, TLSC_FAILED, sizeof TLSC_FAILED - 1) ;
  if (!info->len || failed || ndelay_on(to[1]) < 0 || ndelay_on(from[0]) < 0)
  {  /* failed: berth-tlsc said why and is exiting with its status; info keeps the reason */
    fd_close(to[1]) ; fd_close(from[0]) ;
    if (!failed) kill(pid, SIGTERM) ;
    if (wait_pid(pid, wstat) < 0) *wstat = 111 << 8 ;
    return 0 ;
  }
  c->fd = from[0] ;
  c->wfd = to[1] ;
  c->tlspid = pid ;
  buffer_init(&c->in, &buffer_read, c->fd, c->rbuf, sizeof c->rbuf) ;
  return 1 ;
}

/* After QUIT: EOF to berth-tlsc, drain its output (it closes TLS properly), reap it. */
void remote_tlsc_end (rconn *c)
{
  tain deadline ;
  int wstat ;
  fd_close(c->wfd) ;
  tain_now_g() ;
  tain_addsec_g(&deadline, TO_QUIT) ;
  for (;;)
  {
    iopause_fd x = { .fd = c->fd, .events = IOPAUSE_READ } ;
    char buf[512] ;
    ssize_t r = fd_read(c->fd, buf, sizeof buf) ;
    if (!r) break ;
    if (r > 0) continue ;
    if (!error_isagain(errno) || iopause_g(&x, 1, &deadline) <= 0)
    {
      kill(c->tlspid, SIGTERM) ;
      break ;
    }
  }
  fd_close(c->fd) ;
  if (wait_pid(c->tlspid, &wstat) == c->tlspid && WIFEXITED(wstat) && WEXITSTATUS(wstat))
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, WEXITSTATUS(wstat))] = 0 ;
    strerr_warnw("berth-tlsc for ", c->label, " exited ", fmt) ;
  }
  c->tlspid = 0 ;
  c->fd = c->wfd = -1 ;
}
