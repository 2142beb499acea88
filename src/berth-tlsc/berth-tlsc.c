/* ISC license. */

/* berth-tlsc: TLS client helper for berth-remote. Takes an established socket (after
   EHLO/STARTTLS/220 in cleartext), does the handshake with BearSSL (the server is untrusted:
   verified against trust anchors unless -n, or against TLSA records with -t), then relays
   cleartext over two fds. */

#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <bearssl.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/genalloc.h>
#include <skalibs/sgetopt.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/logfield.h>
#include <berth/tls.h>
#include <berth/stdopts.h>

#define USAGE "berth-tlsc [ -v | -n ] [ -k servername ] [ -a trustanchors ] [ -t usage:selector:mtype:hex ... ] [ -K handshake_timeout_ms ] [ -d ctlfd [ -r ] ] sockfd fdr fdw"
#define SYNOPSIS "berth-tlsc [ -v | -n ] [ -k servername ] [ -a trustanchors ] [ -t usage:selector:mtype:hex ... ] [ -K ms ] [ -d ctlfd [ -r ] ] [ -- ] sockfd fdr fdw"
#define DEFAULT_HSTIMEOUT_MS 60000
#define DEFAULT_TRUSTANCHORS "/etc/ssl/certs"

typedef struct report_s report, *report_ref ;
struct report_s
{
  berthtls_x509 const *x ;
  char const *name ;
  int ctl ;
  int why ;    /* -r: a failed handshake's reason goes to ctl */
  int done ;
} ;

static char const *field (stralloc const *sa, char const *name)
{
  size_t len = strlen(name) ;
  for (char const *s = sa->s ; s < sa->s + sa->len && *s ; s += strlen(s) + 1)
    if (!strncmp(s, name, len) && s[len] == '=') return s + len + 1 ;
  return "" ;
}

static int on_handshake (br_ssl_engine_context *eng, void *data)
{
  report *r = data ;
  stralloc sa = STRALLOC_ZERO ;
  char reason[64] = "" ;
  if (!berthtls_info_client(eng, r->x, &sa)) return 0 ;
  r->done = 1 ;
  if (r->x->err)
  {
    char const *e = berthtls_error_str(r->x->err) ;
    size_t n = strcspn(e, ": ") ;
    if (n > sizeof reason - 9) n = sizeof reason - 9 ;
    memcpy(reason, " reason=", 8) ; memcpy(reason + 8, e, n) ; reason[8 + n] = 0 ;
  }
  {  /* the fields under berth's log quoting rule (berth/logfield.h): the peer's name is the caller's */
    static char const *const vars[4] = { "SSL_PROTOCOL", "SSL_CIPHER", "SSL_VERIFIED", "SSL_PEER_CERT_HASH" } ;
    static char const *const keys[4] = { "protocol", "cipher", "verified", "cert" } ;
    char const *peer = r->name ? r->name : "-" ;
    stralloc line = STRALLOC_ZERO ;
    int ok = logfield_cat(&line, "peer", peer, strlen(peer)) ;
    for (unsigned int k = 0 ; ok && k < 4 ; k++)
    {
      char const *v = field(&sa, vars[k]) ;
      ok = logfield_cat(&line, keys[k], v, strlen(v)) ;
    }
    if (ok && stralloc_cats(&line, reason) && stralloc_0(&line)) strerr_warni("tls", line.s) ;
    stralloc_free(&line) ;
  }
  if (r->ctl >= 0)
  {
    if (allwrite(r->ctl, sa.s, sa.len) < sa.len) strerr_warnwu1sys("write handshake info") ;
    fd_close(r->ctl) ;
    r->ctl = -1 ;
  }
  stralloc_free(&sa) ;
  return 1 ;
}

/* a failed handshake: the reason's code name (X509_BAD_SERVER_NAME, TLSA_MISMATCH) on ctlfd */
static void tell_failure (report *r, int e)
{
  char buf[80] = "SSL_FAILED=" ;
  char const *s = berthtls_error_str(e) ;
  size_t n = strcspn(s, ": "), l = strlen(buf) ;
  if (r->ctl < 0 || r->done || !r->why) return ;
  if (n > sizeof buf - l - 2) n = sizeof buf - l - 2 ;
  memcpy(buf + l, s, n) ;
  buf[l + n] = 0 ; buf[l + n + 1] = 0 ;
  if (allwrite(r->ctl, buf, l + n + 2) < l + n + 2) strerr_warnwu1sys("write handshake failure") ;
  fd_close(r->ctl) ;
  r->ctl = -1 ;
}

static void load_tas (genalloc *tas, char const *path, int required)
{
  int e = berthtls_ta_load(tas, path) ;
  if (!e) return ;
  if (!required) { genalloc_setlen(br_x509_trust_anchor, tas, 0) ; return ; }
  if (e < 0) strerr_diefu2sys(BERTHTLS_EXIT_CONFIG, "read trust anchors from ", path) ;
  strerr_dief4x(BERTHTLS_EXIT_CONFIG, "invalid trust anchors in ", path, ": ", berthtls_error_str(e)) ;
}

int main (int argc, char const *const *argv)
{
  br_ssl_client_context cc ;
  br_x509_minimal_context xc ;
  berthtls_x509 x ;
  unsigned char iobuf[BR_SSL_BUFSIZE_BIDI] ;
  genalloc tas = GENALLOC_ZERO ;
  berthtls_dane dane = BERTHTLS_DANE_ZERO ;
  int usedane = 0 ;
  int why = 0 ;
  char const *name = 0 ;
  char const *tapath = 0 ;
  unsigned int ms = DEFAULT_HSTIMEOUT_MS ;
  int noverify = 0 ;
  int ctl = -1 ;
  int fds[4] ;
  report rep ;
  tain deadline ;
  int e ;
  PROG = "berth-tlsc" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "vnk:a:t:K:d:r", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'v' : noverify = 0 ; break ;
        case 'n' : noverify = 1 ; break ;
        case 'k' : name = l.arg ; break ;
        case 'a' : tapath = l.arg ; break ;
        case 'r' : why = 1 ; break ;
        case 't' :
          if (!berthtls_tlsa_scan(&dane, l.arg)) strerr_dief2x(BERTHTLS_EXIT_USAGE, "bad TLSA record: ", l.arg) ;
          usedane = 1 ;
          break ;
        case 'K' : if (!uint0_scan(l.arg, &ms)) strerr_dieusage(BERTHTLS_EXIT_USAGE, USAGE) ; break ;
        case 'd' : if (!int0_scan(l.arg, &ctl) || ctl < 0) strerr_dieusage(BERTHTLS_EXIT_USAGE, USAGE) ; break ;
        default : strerr_dieusage(BERTHTLS_EXIT_USAGE, USAGE) ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc < 3) strerr_dieusage(BERTHTLS_EXIT_USAGE, USAGE) ;
  if (!int0_scan(argv[0], &fds[2]) || !int0_scan(argv[1], &fds[0]) || !int0_scan(argv[2], &fds[1]))
    strerr_dieusage(BERTHTLS_EXIT_USAGE, USAGE) ;
  fds[3] = fds[2] ;
  if (name && !name[0]) name = 0 ;
  if (usedane) noverify = 1 ;   /* the TLSA records decide; the anchors only inform SSL_VERIFIED's log */
  if (!noverify && !name) strerr_dief1x(BERTHTLS_EXIT_USAGE, "verifying needs -k servername (or use -n)") ;
  if (!tapath) tapath = getenv("CAFILE") ;
  if (!tapath) tapath = getenv("CADIR") ;
  if (!tapath) tapath = DEFAULT_TRUSTANCHORS ;
  load_tas(&tas, tapath, !noverify) ;
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "ignore SIGPIPE") ;
  for (unsigned int i = 0 ; i < 3 ; i++)
    if (ndelay_on(fds[i]) < 0) strerr_diefu1sys(BERTHTLS_EXIT_SYS, "set fds nonblocking") ;

  br_ssl_client_init_full(&cc, &xc, genalloc_s(br_x509_trust_anchor, &tas), genalloc_len(br_x509_trust_anchor, &tas)) ;
  berthtls_x509_init(&x, &xc, noverify) ;
  if (usedane)
  {  /* only unusable records: as none at all, TLS without authentication (RFC 7672 2.2) */
    dane.name = name ;
    if (genalloc_len(berthtls_tlsa, &dane.recs)) x.dane = &dane ;
  }
  br_ssl_engine_set_x509(&cc.eng, &x.vtable) ;
  br_ssl_engine_add_flags(&cc.eng, BR_OPT_NO_RENEGOTIATION) ;
  br_ssl_engine_set_buffer(&cc.eng, iobuf, sizeof iobuf, 1) ;
  berthtls_entropy(&cc.eng) ;
  if (!br_ssl_client_reset(&cc, name, 0))
    strerr_diefu2x(BERTHTLS_EXIT_SETUP, "reset the TLS engine: ", berthtls_error_str(br_ssl_engine_last_error(&cc.eng))) ;

  rep.x = &x ; rep.name = name ; rep.ctl = ctl ; rep.why = why ; rep.done = 0 ;
  tain_now_set_stopwatch_g() ;
  if (ms)
  {
    tain tto ;
    tain_from_millisecs(&tto, ms) ;
    tain_add_g(&deadline, &tto) ;
  }
  else tain_add_g(&deadline, &tain_infinite_relative) ;
  e = berthtls_run(&cc.eng, fds, &deadline, &on_handshake, &rep) ;
  if (e > 0) tell_failure(&rep, e) ;
  if (e < 0) strerr_diefu1sys(BERTHTLS_EXIT_TLS, !rep.done ? "complete the TLS handshake" : "run the TLS session") ;
  if (e)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, (unsigned int)e)] = 0 ;
    if ((e >= BR_ERR_X509_OK && e < BR_ERR_RECV_FATAL_ALERT) || e == BERTHTLS_ERR_TLSA_MISMATCH)
      strerr_dief6x(BERTHTLS_EXIT_TLS, "certificate verification failed for ", name ? name : "(no name)", ": error ", fmt, ": ", berthtls_error_str(e)) ;
    strerr_dief4x(BERTHTLS_EXIT_TLS, "TLS error ", fmt, ": ", berthtls_error_str(e)) ;
  }
  return 0 ;
}
