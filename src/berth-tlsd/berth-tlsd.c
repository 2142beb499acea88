/* ISC license. */

/* berth-tlsd: UCSPI-TLS server helper (s6-ucspitlsd compatible), implicit TLS with -i, or with -P
   a TLS proxy beside berth-listen (its sessions hand over their socket at STARTTLS). Runs under
   tcpserver with the TCP socket on fds 0/1 (-P: before berth-listen, no socket). Reads CERTFILE/KEYFILE (trusted config)
   before any client byte; the client is untrusted and only ever talks to BearSSL. */

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/tai.h>
#include <berth/tls.h>
#include <berth/stdopts.h>
#include "tlsd.h"

#define USAGE "berth-tlsd [ -i | -P ] [ -K handshake_timeout_ms ] prog... | berth-tlsd -t"
#define SYNOPSIS "berth-tlsd [ -i ] [ -K ms ] prog...\nberth-tlsd -P [ -K ms ] berth-listen ...\nberth-tlsd -t"
#define DEFAULT_HSTIMEOUT_MS 60000

int main (int argc, char const *const *argv)
{
  berthtls_cred creds[BERTHTLS_MAXCREDS] ;
  tlsd_conf conf = { .creds = creds, .n = 0 } ;
  unsigned int ms = DEFAULT_HSTIMEOUT_MS ;
  int implicit = 0 ;
  int proxy = 0 ;
  int checkonly = 0 ;
  PROG = "berth-tlsd" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "iPtK:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'i' : implicit = 1 ; break ;
        case 'P' : proxy = 1 ; break ;
        case 't' : checkonly = 1 ; break ;
        case 'K' : if (!uint0_scan(l.arg, &ms)) strerr_dieusage(BERTHTLS_EXIT_USAGE, USAGE) ; break ;
        default : strerr_dieusage(BERTHTLS_EXIT_USAGE, USAGE) ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (checkonly)
  {
    /* -t: load and check every pair as a connection would, then exit (service run scripts) */
    if (argc || implicit || proxy) strerr_dieusage(BERTHTLS_EXIT_USAGE, USAGE) ;
    tlsd_creds_load(creds, &conf.n) ;
    tlsd_suites_load(&conf) ;
    return 0 ;
  }
  if (!argc || (implicit && proxy)) strerr_dieusage(BERTHTLS_EXIT_USAGE, USAGE) ;
  conf.argv = argv ;
  if (ms) tain_from_millisecs(&conf.hstimeout, ms) ;
  else conf.hstimeout = tain_infinite_relative ;
  tlsd_creds_load(creds, &conf.n) ;
  tlsd_suites_load(&conf) ;
  if (proxy) tlsd_proxy(&conf) ;
  if (implicit) tlsd_implicit(&conf) ;
  else tlsd_ucspi(&conf) ;
}
