/* ISC license. */

/* The engine process (privileges already dropped): runs BearSSL between the client socket (fds 0/1) and
   the application's pipes, and reports the handshake info on infofd (then closes it). */

#include <unistd.h>
#include <stdlib.h>
#include <signal.h>
#include <bearssl.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/sig.h>
#include <skalibs/tai.h>
#include <berth/tls.h>
#include "tlsd.h"

typedef struct hs_s hs, *hs_ref ;
struct hs_s
{
  int infofd ;
  int done ;
} ;

static int report (br_ssl_engine_context *eng, void *data)
{
  hs *h = data ;
  stralloc sa = STRALLOC_ZERO ;
  h->done = 1 ;
  if (h->infofd < 0) return 1 ;
  if (!berthtls_info_server(eng, &sa)) return 0 ;
  if (allwrite(h->infofd, sa.s, sa.len) < sa.len) strerr_warnwu1sys("write handshake info") ;
  stralloc_free(&sa) ;
  fd_close(h->infofd) ;
  h->infofd = -1 ;
  return 1 ;
}

void tlsd_engine (tlsd_conf const *conf, int appin, int appout, int infofd)
{
  br_ssl_server_context sc ;
  berthtls_sni sni ;
  unsigned char iobuf[BR_SSL_BUFSIZE_BIDI] ;
  int fds[4] = { appin, appout, 0, 1 } ;
  hs h = { .infofd = infofd, .done = 0 } ;
  char const *ip = getenv("TCPREMOTEIP") ;
  tain deadline ;
  int e ;
  sig_ignore(SIGPIPE) ;
  for (unsigned int i = 0 ; i < 4 ; i++)
    if (ndelay_on(fds[i]) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "set fds nonblocking") ;
  berthtls_server_init(&sc, &sni, conf->creds, conf->n, conf->suites, conf->nsuites) ;
  br_ssl_engine_set_buffer(&sc.eng, iobuf, sizeof iobuf, 1) ;
  berthtls_entropy(&sc.eng) ;
  if (!br_ssl_server_reset(&sc))
  {
    e = br_ssl_engine_last_error(&sc.eng) ;
    strerr_diefu2x(BERTHTLS_EXIT_SETUP, "reset the TLS engine: ", berthtls_error_str(e)) ;
  }
  tain_now_set_stopwatch_g() ;
  tain_add_g(&deadline, &conf->hstimeout) ;
  if (!ip) ip = "unknown" ;
  e = berthtls_run(&sc.eng, fds, &deadline, &report, &h) ;
  if (e < 0) strerr_diefu3sys(BERTHTLS_EXIT_TLS, h.done ? "run the TLS session" : "complete the TLS handshake", " with ", ip) ;
  if (e)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, (unsigned int)e)] = 0 ;
    strerr_dief6x(BERTHTLS_EXIT_TLS, "TLS error with ", ip, ": ", fmt, ": ", berthtls_error_str(e)) ;
  }
  _exit(0) ;
}
