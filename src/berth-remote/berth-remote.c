/* ISC license. */
/* berth-remote: qmail-remote(8). Delivers the message on fd 0 to host for every recipient;
   the report goes to stdout; always exits 0 once argv is sane. Never runs as root. remote_main
   is the program (main.c calls it); berth-rspawn runs remote_serve in a forked child without an
   exec (doc/berth-rspawn.md), so it relies on no state a fresh exec would have reset.
   Trust: the message, the envelope and everything from DNS and the network are untrusted. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/mman.h>
#include <signal.h>
#include <skalibs/gccattributes.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>
#include <skalibs/fmtscan.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/dns.h>
#include <berth/home.h>
#include <berth/kept.h>
#include <berth/mtasts.h>
#include <berth/route.h>
#include <berth/smtpc.h>
#include "remote.h"
#include <berth/sibling.h>
#include "targets.h"

static void finish (rreport *rep, unsigned int n, char what, char const *a, char const *b, char const *c) gccattr_noreturn ;
static void finish (rreport *rep, unsigned int n, char what, char const *a, char const *b, char const *c)
{
  char const *parts[3] = { a, b ? b : "", c ? c : "" } ;
  remote_report_final(rep, what, parts, 3) ;
  remote_report_write(rep, n) ;
  _exit(0) ;
}

/* What outlives one job in berth-rspawn's child: the set-up done once, the configuration of the
   last job (read again at each), and the connection kept between jobs for the same host. */
typedef struct rsess_s rsess, *rsess_ref ;
struct rsess_s
{
  rcfg cfg ;
  stralloc helo, me, routes, tlsp, dnss ;
  stralloc fp ;                   /* the configuration the kept connection was made with */
  dnsctx d ;
  ipme ipme ;                     /* this host's addresses, read again at each job */
  rconn c ;
  int ready ;                     /* set up: uid checked, home, SIGPIPE, clock, berth-tlsc's path */
  tain opened ;                   /* when the kept connection was made */
} ;
#define RSESS_ZERO { .cfg = { .helohost = 0, .auth = STRALLOC_ZERO }, .helo = STRALLOC_ZERO, .me = STRALLOC_ZERO, .routes = STRALLOC_ZERO, .tlsp = STRALLOC_ZERO, .dnss = STRALLOC_ZERO, .fp = STRALLOC_ZERO, .d = { .state = DNSCTX_NEW }, .ipme = IPME_ZERO, .c = { .fd = -1, .wfd = -1, .lines = STRALLOC_ZERO, .tlstext = STRALLOC_ZERO }, .ready = 0 }

/* Every control file, at each job as qmail-remote reads them at each start */
static void readcfg (rsess *s, char const *host, rreport *rep, unsigned int n)
{
  rcfg *cfg = &s->cfg ;
  stralloc *helo = &s->helo, *me = &s->me, *routes = &s->routes ;
  dnsctx *d = &s->d ;
  stralloc sa = STRALLOC_ZERO ;
  unsigned long u ;
  cfg->have_out4 = cfg->have_out6 = 0 ;
  if (control_readline(me, "control/me", 0) <= 0 || !me->len)
    finish(rep, n, 'Z', "Unable to read control/me. (#4.3.0)", 0, 0) ;
  if (control_readline(helo, "control/helohost", me->s) < 0) finish(rep, n, 'Z', "Unable to read control/helohost. (#4.3.0)", 0, 0) ;
  cfg->helohost = helo->s ;
  if (control_readulong(&u, "control/timeoutconnect", TO_CONNECT_DEFAULT) <= 0 || !u) u = TO_CONNECT_DEFAULT ;
  cfg->timeoutconnect = u ;
  if (control_readulong(&u, "control/timeoutremote", 0) <= 0) u = 0 ;
  cfg->timeoutremote = u ;
  if (control_readulong(&u, "control/smtpport", SMTP_PORT_DEFAULT) <= 0 || !u || u > 65535) u = SMTP_PORT_DEFAULT ;
  cfg->port = u ;
  if (control_readulong(&u, "control/preferipv4", 0) <= 0) u = 0 ;
  cfg->prefer4 = !!u ;
  cfg->nochunking = !access("control/nochunking", F_OK) ;
  if (control_readline(&sa, "control/outgoingip", 0) > 0 && sa.len)
  {
    if (ip4_scan(sa.s, cfg->out4) != sa.len) finish(rep, n, 'Z', "control/outgoingip is not an IPv4 address. (#4.3.5)", 0, 0) ;
    cfg->have_out4 = 1 ;
  }
  if (control_readline(&sa, "control/outgoingip6", 0) > 0 && sa.len)
  {
    if (ip6_scan(sa.s, cfg->out6) != sa.len) finish(rep, n, 'Z', "control/outgoingip6 is not an IPv6 address. (#4.3.5)", 0, 0) ;
    cfg->have_out6 = 1 ;
  }
  if (control_readlines(routes, "control/smtproutes") < 0) finish(rep, n, 'Z', "Unable to read control/smtproutes. (#4.3.0)", 0, 0) ;
  {  /* our names, for the MX preference rule: me and every line of locals */
    stralloc l = STRALLOC_ZERO ;
    if (control_readlines(&l, "control/locals") < 0) finish(rep, n, 'Z', "Unable to read control/locals. (#4.3.0)", 0, 0) ;
    if (!stralloc_0(me) || !stralloc_catb(me, l.s, l.len)) finish(rep, n, 'Z', "Out of memory. (#4.3.0)", 0, 0) ;
    stralloc_free(&l) ;
    cfg->me = me->s ;
  }
  stralloc_free(&sa) ;
  if (!remote_dnsctx_read(d, &s->dnss)) finish(rep, n, 'Z', "Bad nameserver in BERTH_DNSSERVER or control/dnsserver. (#4.3.5)", 0, 0) ;
  cfg->dnssec = d->dnssec ;
  if (control_readulong(&u, "control/mtasts", 1) <= 0) u = 1 ;   /* MTA-STS, on unless 0 */
  cfg->mtasts = !!u ;
  {
    char const *bad ;
    if (!remote_tlspolicy_read(cfg, host, &s->tlsp, &bad)) finish(rep, n, 'Z', "control/tlspolicy: ", bad, ". (#4.3.5)") ;
  }
  cfg->auth.len = 0 ;
  if (!remote_auth_read(cfg)) finish(rep, n, 'Z', "control/smtpauth must be owned by the remote user and readable by nobody else. (#4.3.0)", 0, 0) ;
}

/* What a session depends on, as bytes: a kept connection serves a job only if the control files
   read for it say the same (a new route, TLS policy or credentials take effect at once) */
static int fingerprint (rsess const *s, stralloc *fp)
{
  rcfg const *cfg = &s->cfg ;
  char num[5 * UINT_FMT] ;
  size_t k = 0 ;
  fp->len = 0 ;
  k += uint_fmt(num + k, cfg->port) ; num[k++] = ' ' ;
  k += uint_fmt(num + k, cfg->tlslevel) ; num[k++] = ' ' ;
  k += uint_fmt(num + k, cfg->timeoutconnect) ; num[k++] = ' ' ;
  k += uint_fmt(num + k, cfg->timeoutremote) ; num[k++] = ' ' ;
  k += uint_fmt(num + k, cfg->dnssec) ;
  return stralloc_catb(fp, num, k) && stralloc_0(fp)
      && stralloc_catb(fp, s->routes.s, s->routes.len) && stralloc_0(fp)
      && stralloc_cats(fp, cfg->helohost) && stralloc_0(fp)
      && stralloc_catb(fp, s->me.s, s->me.len) && stralloc_0(fp)
      && stralloc_cats(fp, cfg->tlsname ? cfg->tlsname : "") && stralloc_0(fp)
      && stralloc_cats(fp, cfg->tlsanchors ? cfg->tlsanchors : "") && stralloc_0(fp)
      && stralloc_catb(fp, cfg->auth.s, cfg->auth.len) && stralloc_0(fp)
      && stralloc_cats(fp, s->d.server ? s->d.server : "") && stralloc_0(fp)
      && stralloc_catb(fp, cfg->have_out4 ? cfg->out4 : "", cfg->have_out4 ? 4 : 0)
      && stralloc_catb(fp, cfg->have_out6 ? cfg->out6 : "", cfg->have_out6 ? 16 : 0) ;
}

static int try (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep, char const *name, int literal, char const *ip, int is6, uint16_t port, stralloc *connerr, unsigned int *skipped)
{
  char *fmt = c->ip ;
  int timedout ;
  fmt[is6 ? ip6_fmt(fmt, ip) : ip4_fmt(fmt, ip)] = 0 ;
  c->host = name ;
  c->literal = literal ;
  c->notls = 0 ;
  c->port = port ;
  c->tlstext.len = 0 ;   /* no TLS facts of an earlier connection in this one's */
  if (remote_tcpto_dead(ip, is6)) { (*skipped)++ ; return 0 ; }
  {
    char const *rn = name[0] == '[' ? fmt : name ;
    size_t rl = strlen(rn) ;
    if (rl >= sizeof c->relay) rl = sizeof c->relay - 1 ;
    memcpy(c->relay, rn, rl) ; c->relay[rl] = 0 ;
  }
  if (name[0] == '[' || !strcmp(name, fmt)) memcpy(c->label, fmt, strlen(fmt) + 1) ;
  else
  {
    size_t nl = strlen(name) ;
    if (nl > sizeof c->label - IP6_FMT - 4) nl = sizeof c->label - IP6_FMT - 4 ;
    memcpy(c->label, name, nl) ;
    memcpy(c->label + nl, " [", 2) ;
    memcpy(c->label + nl + 2, fmt, strlen(fmt)) ;
    memcpy(c->label + nl + 2 + strlen(fmt), "]", 2) ;
  }
 again:
  if (!remote_report_relay(rep, c, 0)) return 0 ;
  if (!remote_conn_open(c, cfg, ip, is6, port, &timedout))
  {
    char pfmt[UINT16_FMT] ;
    pfmt[uint16_fmt(pfmt, port)] = 0 ;
    connerr->len = 0 ;
    stralloc_cats(connerr, c->label) ;   /* "name [ip]:port: reason" */
    stralloc_cats(connerr, ":") ;
    stralloc_cats(connerr, pfmt) ;
    stralloc_cats(connerr, ": ") ;
    stralloc_cats(connerr, strerror(errno)) ;
    stralloc_0(connerr) ;
    strerr_warnwu2x("connect to ", connerr->s) ;
    if (timedout) remote_tcpto_mark(ip, is6, 1) ;
    return 0 ;
  }
  remote_tcpto_mark(ip, is6, 0) ;
  {
    int r = remote_session(c, cfg, m, rep) ;
    if (r == SESSION_DONE && c->reusable) return 1 ;   /* kept for the next job (remote_serve) */
    remote_conn_close(c) ;
    if (r == SESSION_PLAIN && !c->notls) { c->notls = 1 ; goto again ; }
    return r == SESSION_DONE ;
  }
}

static void job (rsess *s, char const *host, char const *sender, char const *const *rcpts, unsigned int n, char const *mailp, char const *rcptp)
{
  rmsg m = { .fd = 0, .wirelen = 0 } ;
  rreport rep = { .final = 0, .ftext = STRALLOC_ZERO, .facts = STRALLOC_ZERO, .start = TAIN_ZERO, .mail = TAIN_ZERO } ;
  rconn *c = &s->c ;
  rcfg *cfg = &s->cfg ;
  stralloc connerr = STRALLOC_ZERO ;
  stralloc wire = STRALLOC_ZERO ;   /* the envelope as written (envelope.c) */
  stralloc params = STRALLOC_ZERO ;   /* the DSN parameters to pass on (params.c) */
  char const **wrcpts, **dsnrcpt ;
  targets t = TARGETS_ZERO ;
  mtasts_policy sts = MTASTS_POLICY_ZERO ;
  rtlsrpt rpt ;
  unsigned int skipped = 0, anyaddr = 0, reqn ;
  int dnstemp, tempfail = 0 ;
  uint16_t port ;
  int r ;
  m.sender = sender ;
  m.rcpts = rcpts ;
  m.n = n ;
  rep.stat = calloc(n, 1) ;
  rep.texts = calloc(n, sizeof(stralloc)) ;
  wrcpts = calloc(n, sizeof(char const *)) ;
  dsnrcpt = calloc(n, sizeof(char const *)) ;
  if (!rep.stat || !rep.texts || !wrcpts || !dsnrcpt) strerr_diefu1sys(111, "allocate") ;
  if (!*host) finish(&rep, n, 'D', "Sorry, the recipient address has no domain. (#5.1.2)", 0, 0) ;
  if (!s->ready)
  {
    if (!getuid() || !geteuid()) finish(&rep, n, 'Z', "berth-remote refuses to run as root. (#4.3.0)", 0, 0) ;
    if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;   /* a dead peer or berth-tlsc is an error return */
    if (chdir(berth_home()) < 0) finish(&rep, n, 'Z', "Unable to switch to home directory. (#4.3.0)", 0, 0) ;
    tain_now_set_stopwatch_g() ;
    cfg->tlsc = berth_tlsc_path() ;
    s->ready = 1 ;
  }
  tain_now_g() ;
  rep.start = STAMP ;
  readcfg(s, host, &rep, n) ;
  if (c->reusable)
  {  /* a kept connection: only with the configuration it was made with */
    stralloc fp = STRALLOC_ZERO ;
    int same = fingerprint(s, &fp) && fp.len == s->fp.len && !memcmp(fp.s, s->fp.s, fp.len) ;
    stralloc_free(&fp) ;
    if (!same)
    {
      remote_session_quit(c) ;
      remote_conn_close(c) ;
      remote_dnsctx_reset(&s->d) ;
    }
  }
  if (!remote_params_read(&m, &params, dsnrcpt, mailp, rcptp)) finish(&rep, n, 'Z', "Out of memory. (#4.3.0)", 0, 0) ;
  if (!remote_message_load(&m, &rep, &wire, wrcpts)) { remote_report_write(&rep, n) ; _exit(0) ; }
  if (remote_qmtp_route(cfg, &m, &rep, host)) goto done ;   /* control/qmtproutes names host: QMTP */

  if (c->reusable)
  {  /* the connection kept from the job before, to this host */
    if (remote_session_again(c, cfg, &m, &rep) == SESSION_DONE) goto done ;
    remote_conn_close(c) ;   /* gone meanwhile: connect again, as for a first job */
    rep.final = 0 ;
    rep.ftext.len = 0 ;
    remote_envelope_mark(&m, &rep) ;
  }

  r = remote_targets_find(&t, host, &s->routes, &s->me, &s->d, &port) ;
  switch (r)
  {
    case TARGETS_OK : break ;
    case TARGETS_NXDOMAIN : finish(&rep, n, 'D', "Sorry, I couldn't find any host named ", host, ". (#5.1.2)") ;
    case TARGETS_NULLMX : finish(&rep, n, 'D', "Sorry, ", host, " does not accept mail (null MX, RFC 7505). (#5.1.10)") ;
    case TARGETS_TEMP : finish(&rep, n, 'Z', "CNAME or MX lookup of ", host, " failed temporarily. (#4.4.3)") ;
    case TARGETS_AMBIGMX : finish(&rep, n, 'D', "Sorry. Although I'm listed as a best-preference MX for ", host, ", it isn't in my control/locals file, so I don't treat it as local. (#5.4.6)") ;
    case TARGETS_DNSCONF : finish(&rep, n, 'Z', "Unable to set up the resolver. (#4.3.0)", 0, 0) ;
    default : finish(&rep, n, 'Z', "Out of memory. (#4.3.0)", 0, 0) ;
  }
  if (!port) port = cfg->port ;
  if (cfg->mtasts && !m.tlsno && !cfg->tlsexplicit && !genalloc_s(target, &t.list)[0].routed && !genalloc_s(target, &t.list)[0].literal)
    remote_mtasts_find(cfg, &s->d, host, &sts) ;   /* MX delivery only: a route is the administrator's */
  remote_tlsrpt_start(&rpt, c, host, !genalloc_s(target, &t.list)[0].routed && !genalloc_s(target, &t.list)[0].literal, &sts) ;
  if (!genalloc_s(target, &t.list)[0].routed && !remote_ipme_read(&s->ipme))
    finish(&rep, n, 'Z', "Unable to read control/moreipme, control/notipme or the interface addresses. (#4.3.0)", 0, 0) ;

  r = remote_targets_resolve(&t, &s->d, cfg->prefer4, &s->ipme, &dnstemp) ;
  if (r == TARGETS_NOMEM) finish(&rep, n, 'Z', "Out of memory. (#4.3.0)", 0, 0) ;
  if (r == TARGETS_LOOP && !dnstemp) finish(&rep, n, 'D', "Sorry, mail for ", host, " loops back to myself (an MX or address of it is this host's; control/notipme). (#5.4.6)") ;
  for (size_t i = 0 ; i < genalloc_len(taddr, &t.addrs) ; i++)
  {
    taddr const *a = genalloc_s(taddr, &t.addrs) + i ;
    target const *x = genalloc_s(target, &t.list) + a->target ;
    anyaddr = 1 ;
    c->loopcheck = !x->routed ;
    if (m.tlsno) remote_tlsno_apply(c, cfg) ;
    else if (!remote_dane(c, cfg, &s->d, t.names.s + x->name, x->literal, x->secure && a->secure, port, &rep)
          || !remote_mtasts_apply(c, &sts, host, t.names.s + x->name, &rep)) { tempfail = 1 ; continue ; }
    remote_reqtls_apply(c, &m) ;
    reqn = rep.reqn ;
    if (try(c, cfg, &m, &rep, t.names.s + x->name, x->literal, a->ip, a->is6, port, &connerr, &skipped)) goto opened ;
    if (rep.reqn == reqn) tempfail = 1 ;   /* this host failed for another reason than REQUIRETLS */
  }
  if (rep.reqn) { remote_reqtls_final(&rep, host, tempfail || dnstemp || skipped) ; goto done ; }
  /* nothing decided: the last session's reason, or why no session happened */
  if (!rep.final)
  {
    if (connerr.len) finish(&rep, n, 'Z', "Sorry, I wasn't able to establish an SMTP connection: ", connerr.s, ". (#4.4.1)") ;
    if (skipped) finish(&rep, n, 'Z', "Sorry, I wasn't able to establish an SMTP connection: every address timed out recently. (#4.4.1)", 0, 0) ;
    if (dnstemp) finish(&rep, n, 'Z', "Address lookup for ", host, " failed temporarily. (#4.4.3)") ;
    if (!anyaddr) finish(&rep, n, 'D', "Sorry, I couldn't find any host named ", host, ". (#5.1.2)") ;
    finish(&rep, n, 'Z', "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)", 0, 0) ;
  }
  goto done ;
 opened:
  if (c->reusable)
  {
    tain_now_g() ;
    s->opened = STAMP ;
    if (!fingerprint(s, &s->fp)) { remote_session_quit(c) ; remote_conn_close(c) ; }
  }
 done:
  c->rpt = 0 ;   /* rpt is this job's */
  remote_report_write(&rep, n) ;
  if (m.fd > 0) fd_close(m.fd) ;   /* a pipe's memfd copy: a kept child runs more jobs */
  stralloc_free(&sts.mx) ;
  stralloc_free(&t.names) ;
  genalloc_free(target, &t.list) ;
  genalloc_free(taddr, &t.addrs) ;
  stralloc_free(&connerr) ;
  stralloc_free(&wire) ;
  stralloc_free(&params) ;
  stralloc_free(&rep.reqwhy) ;
  free(wrcpts) ;
  free(dsnrcpt) ;
  for (unsigned int i = 0 ; i < n ; i++) stralloc_free(&rep.texts[i]) ;
  stralloc_free(&rep.ftext) ;
  stralloc_free(&rep.facts) ;
  free(rep.texts) ;
  free(rep.stat) ;
}

int remote_main (int argc, char const *const *argv)
{
  rsess s = RSESS_ZERO ;
  PROG = "berth-remote" ;
  if (argc < 4) strerr_dieusage(100, REMOTE_USAGE) ;
  job(&s, argv[1], argv[2], argv + 3, argc - 3, getenv(PARAMS_MAIL), getenv(PARAMS_RCPT)) ;
  return 0 ;
}

/* whether a job for host may go on the kept session opened for first: the same kept-session key
   (route_key: the same host, or the same smtproutes relay), as berth-rspawn matched it */
static int same_key (char const *first, char const *host)
{
  stralloc r = STRALLOC_ZERO, k1 = STRALLOC_ZERO, k2 = STRALLOC_ZERO ;
  int same = !strcasecmp(route_key(first, &r, &k1), route_key(host, &r, &k2)) ;
  stralloc_free(&r) ; stralloc_free(&k1) ; stralloc_free(&k2) ;
  return same ;
}

/* berth-rspawn's child: the first job from argv, then, while the connection is kept, more
   jobs with the same key (the same host, or another routed to the same relay) from ctl
   (doc/berth-rspawn.md, "Connection reuse"). Each job's report ends with the close of its
   pipe; KEPT_IDLE on ctl says the connection is kept (berth/kept.h). */
int remote_serve (int argc, char const *const *argv, int ctl)
{
  rsess s = RSESS_ZERO ;
  stralloc store = STRALLOC_ZERO ;
  genalloc args = GENALLOC_ZERO ;   /* char const *: the words of the job in store */
  char const *host ;
  PROG = "berth-remote" ;
  if (argc < 4) strerr_dieusage(100, REMOTE_USAGE) ;
  host = argv[1] ;
  s.c.keep = 1 ;
  job(&s, host, argv[2], argv + 3, argc - 3, getenv(PARAMS_MAIL), getenv(PARAMS_RCPT)) ;
  for (;;)
  {
    char const *const *w ;
    unsigned int n ;
    tain age ;
    fd_close(1) ;   /* the end of this job's report */
    if (!s.c.reusable) break ;
    tain_now_g() ;
    tain_sub(&age, &STAMP, &s.opened) ;
    if (tai_sec(tain_secp(&age)) >= REUSE_AGE_MAX) break ;
    if (!kept_next(ctl, &store, &args, &n)) break ;
    w = genalloc_s(char const *, &args) ;
    if (n < 3 || (strcasecmp(w[0], host) && !same_key(host, w[0])))
    {  /* berth-rspawn only sends jobs with this key: anything else is a job for a new child */
      strerr_warnw1x("a reused connection got a job for another host") ;
      _exit(111) ;
    }
    job(&s, w[0], w[1], w + 2, n - 2, 0, 0) ;   /* berth-rspawn gives a kept child no job with parameters */
  }
  if (s.c.reusable) remote_session_quit(&s.c) ;
  remote_conn_close(&s.c) ;
  return 0 ;
}
