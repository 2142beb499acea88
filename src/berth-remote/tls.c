/* ISC license. */
/* berth-remote: STARTTLS (RFC 3207) after EHLO, as control/tlspolicy says (doc/berth-remote.md).
   The handshake runs in berth-tlsc (tlsc.c). Trust: the server's replies are untrusted; a
   server that sends anything after its 220 before the handshake is refused (no injection). */

#include <string.h>
#include <sys/wait.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "remote.h"

#define STARTTLS_GO 220

static char const *const levelname[] = { "none", "may", "encrypt", "verify", "dane", "dane-only" } ;

/* the value of VAR= in a VAR=value\0...\0 list, or 0 */
static char const *infovar (stralloc const *info, char const *var)
{
  size_t vl = strlen(var) ;
  for (size_t i = 0 ; i < info->len ; i += strlen(info->s + i) + 1)
    if (!strncmp(info->s + i, var, vl)) return info->s + i + vl ;
  return 0 ;
}

/* VAR=value\0...\0 -> " TLS=... cipher=... verified=N[ dane=DANE-EE]" in c->tlstext */
static int describe (rconn *c, stralloc const *info)
{
  static char const *const vars[4] = { "SSL_PROTOCOL=", "SSL_CIPHER=", "SSL_VERIFIED=", "SSL_DANE=" } ;
  static char const *const keys[4] = { " TLS=", " cipher=", " verified=", " dane=" } ;
  c->tlstext.len = 0 ;
  for (unsigned int k = 0 ; k < 4 ; k++)
  {
    char const *v = infovar(info, vars[k]) ;
    if (!v && k == 3) break ;   /* DANE: only when it authenticated the server */
    if (!v || !*v) v = "?" ;
    if (!stralloc_cats(&c->tlstext, keys[k]) || !stralloc_cats(&c->tlstext, v)) return 0 ;
  }
  return stralloc_0(&c->tlstext) ? (c->tlstext.len--, 1) : 0 ;
}

/* under "may", a failed STARTTLS or handshake means: the same address again, in cleartext */
static int handshake_failed (rconn *c, rcfg const *cfg, rreport *rep, char const *why)
{
  remote_tlsrpt_failed(c, why) ;
  strerr_warnw("TLS with ", c->label, " failed: ", why,
    c->tlslevel == TLS_MAY ? "; policy may: retrying in cleartext" : "") ;
  if (c->tlslevel == TLS_MAY) return (remote_mtasts_observe(c, c->host, why), STLS_RETRY) ;
  {
    char const *parts[7] = { "Connected to ", c->label, " but TLS failed: ", why,
      c->sts ? " (required by the MTA-STS policy of " : "", c->sts ? c->sts : "", c->sts ? ", enforce). (#4.7.5)" : ". (#4.7.5)" } ;
    remote_report_final(rep, 'Z', parts, 7) ;
  }
  return STLS_FAIL ;
}

static int reqtls_tlsfail (rreport *rep, rconn *c, char const *why)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = stralloc_cats(&sa, "TLS failed: ") && stralloc_cats(&sa, why) && stralloc_0(&sa) ;
  strerr_warnw("TLS with ", c->label, " failed: ", why) ;
  remote_reqtls_fail(rep, c, r ? sa.s : why, 0) ;
  stralloc_free(&sa) ;
  return STLS_FAIL ;
}

int remote_starttls (rconn *c, rcfg const *cfg, rreport *rep)
{
  stralloc info = STRALLOC_ZERO ;
  unsigned int code = 0 ;
  int wstat = 0, r ;
  if (c->tlslevel == TLS_VERIFY && !cfg->tlsname && c->literal && c->reqtls)
    return remote_reqtls_fail(rep, c, "an address literal has no host name to verify its certificate with (name= in control/tlspolicy)", 0) ;
  if (c->tlslevel == TLS_VERIFY && !cfg->tlsname && c->literal)
    return remote_report_but(rep, c, "TLS verify needs a host name to check (name= in control/tlspolicy). (#4.7.5)", 0) ;
  if (remote_conn_write(c, "STARTTLS\r\n", 10, TIMEOUT(cfg, TO_EHLO))) code = remote_conn_reply(c, TIMEOUT(cfg, TO_EHLO)) ;
  if (!code) return handshake_failed(c, cfg, rep, "the connection died during STARTTLS") ;
  if (code != STARTTLS_GO)
  {
    remote_tlsrpt_note(c, 0, 0, "starttls-not-supported", "STARTTLS refused") ;
    if (c->reqtls && code / 100 == 5) return remote_reqtls_fail(rep, c, "it refused STARTTLS", 1) ;
    if (c->reqtls) return remote_report_but(rep, c, "it refused STARTTLS, which this message requires (REQUIRETLS). (#4.7.4)", 1) ;
    if (c->tlslevel != TLS_MAY) return remote_report_but(rep, c, c->sts ? "it refused STARTTLS, which its domain's MTA-STS policy requires. (#4.7.4)" : "it refused STARTTLS, which control/tlspolicy requires. (#4.7.4)", 1) ;
    remote_mtasts_observe(c, c->host, "STARTTLS refused") ;
    strerr_warnw("STARTTLS refused by ", c->label, ": going on in cleartext (policy may)") ;
    return STLS_CLEAR ;
  }
  if (buffer_len(&c->in))
  {  /* STARTTLS response injection: bytes after the 220 would be read as if they came over TLS */
    remote_conn_close(c) ;
    return handshake_failed(c, cfg, rep, "the server sent data after its 220 to STARTTLS") ;
  }
  r = remote_tlsc_start(c, cfg, &info, &wstat) ;
  if (!r)
  {
    /* berth-tlsc names a verification failure (X509_BAD_SERVER_NAME, TLSA_MISMATCH): the
       report carries it, so bounces and berth-qread show it, not only the log */
    char fmt[UINT_FMT + 80] = "berth-tlsc status " ;
    char const *why = infovar(&info, TLSC_FAILED) ;
    size_t l = strlen(fmt) ;
    int reason = why && *why ;
    l += uint_fmt(fmt + l, WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 128 + WTERMSIG(wstat)) ;
    if (reason && strlen(why) < sizeof fmt - l - 3) { memcpy(fmt + l, ": ", 2) ; memcpy(fmt + l + 2, why, strlen(why) + 1) ; }
    else memcpy(fmt + l, ", its log line says why", 24) ;
    stralloc_free(&info) ;
    /* REQUIRETLS: the TLS engine's reason (the certificate, TLSA records, protocol) is the
       peer's for good; a handshake that died without one is tried again later */
    if (c->reqtls && reason) return reqtls_tlsfail(rep, c, fmt) ;
    return handshake_failed(c, cfg, rep, fmt) ;
  }
  r = describe(c, &info) ;
  if (r && !infovar(&info, "SSL_DANE=") && (!infovar(&info, "SSL_VERIFIED=") || strcmp(infovar(&info, "SSL_VERIFIED="), "1")))
    remote_mtasts_observe(c, c->host, "the certificate does not verify (chain or name)") ;
  stralloc_free(&info) ;
  if (!r) return remote_report_but(rep, c, "I ran out of memory. (#4.3.0)", 0) ;
  {  /* one line per TLS session, its words under berth's log quoting rule (remote_facts_cat) */
    stralloc line = STRALLOC_ZERO ;
    if (remote_facts_cat(&line, c) && stralloc_0(&line)) strerr_warni("tls ", line.s, " policy=", levelname[c->tlslevel]) ;
    stralloc_free(&line) ;
  }
  remote_tlsrpt_up(c) ;
  return STLS_UP ;
}
