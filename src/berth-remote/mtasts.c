/* ISC license. */
/* berth-remote: MTA-STS (RFC 8461, doc/berth-remote.md "MTA-STS"). Per job, for a domain
   reached by MX without a control/tlspolicy line of its own: the _mta-sts TXT record's id,
   the cached policy (queue/mtasts/DOMAIN), berth-mtasts to fetch a new one when the id changed
   or the cached one expired. Per address: enforce tries only MX hosts the policy lists and
   requires verified TLS with the MX name; testing only logs what enforce would refuse. DANE
   wins: an address with usable TLSA records is left to DANE. Trust: the TXT record and the
   policy are the network's; berth-mtasts fetched the policy over verified TLS. */

#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/dns.h>
#include <berth/mtasts.h>
#include <berth/sibling.h>
#include "remote.h"
#include "targets.h"

#define MTASTS_PROG "berth-mtasts"
#define MTASTS_FETCH_SECS 60      /* berth-mtasts's bound on one fetch, DNS and connect included */
#define TXT_PREFIX "_mta-sts."

/* berth-mtasts domain id, its output to stderr only; 1 when it exited 0 */
static int fetch (char const *domain, char const *id, char const *anchors)
{
  stralloc path = STRALLOC_ZERO ;
  char secs[UINT_FMT] ;
  char const *argv[8] ;
  int wstat ;
  pid_t pid ;
  secs[uint_fmt(secs, MTASTS_FETCH_SECS)] = 0 ;
  argv[0] = berth_sibling(&path, MTASTS_PROG) ? path.s : MTASTS_PROG ;
  argv[1] = "-t" ; argv[2] = secs ; argv[3] = "-a" ; argv[4] = anchors ;
  argv[5] = domain ; argv[6] = id ; argv[7] = 0 ;
  pid = fork() ;
  if (pid < 0) { stralloc_free(&path) ; return 0 ; }
  if (!pid)
  {
    int null = open_readb("/dev/null") ;
    /* neither the message (fd 0) nor the report (fd 1) is berth-mtasts's business */
    if (null < 0 || fd_move(0, null) < 0 || fd_copy(1, 0) < 0) _exit(111) ;
    if (strchr(argv[0], '/')) execv(argv[0], (char *const *)argv) ;
    else execvp(argv[0], (char *const *)argv) ;
    strerr_diefu2sys(111, "exec ", argv[0]) ;
  }
  stralloc_free(&path) ;
  return wait_pid(pid, &wstat) == pid && WIFEXITED(wstat) && !WEXITSTATUS(wstat) ;
}

static int cached (char const *domain, mtasts_policy *p)
{
  return mtasts_cache_read(MTASTS_DIR, domain, p) > 0 && mtasts_fresh(p, time(0)) ;
}

int remote_mtasts_find (rcfg const *cfg, dnsctx *d, char const *host, mtasts_policy *p)
{
  char dom[MTASTS_DOMAIN_MAX + 1] ;
  char q[sizeof TXT_PREFIX + MTASTS_DOMAIN_MAX] ;
  char id[MTASTS_ID_MAX + 1] ;
  stralloc txt = STRALLOC_ZERO ;
  int r, have, old ;
  p->mode = MTASTS_NONE ;
  if (!mtasts_domain_ok(host, dom) || !remote_dnsctx_ready(d)) return MTASTS_NONE ;
  memcpy(q, TXT_PREFIX, sizeof TXT_PREFIX - 1) ;
  memcpy(q + sizeof TXT_PREFIX - 1, dom, strlen(dom) + 1) ;
  r = dns_txt(&d->rs, q, &txt) ;
  have = r == DNS_OK && mtasts_txt_pick(txt.s, txt.len, id) ;
  stralloc_free(&txt) ;
  old = cached(dom, p) ;
  /* RFC 8461 5.1: no TXT record (or a failed lookup) with an unexpired cached policy: the cache */
  if (!have || (old && !strcmp(p->id, id))) return old ? p->mode : (p->mode = MTASTS_NONE) ;
  if (fetch(dom, id, cfg->tlsanchors) && cached(dom, p) && !strcmp(p->id, id)) return p->mode ;
  strerr_warnw("mtasts domain=", dom, " id=", id, old ? " fetch failed: the cached policy stays" : " fetch failed: no policy") ;
  if (cached(dom, p)) return p->mode ;
  return p->mode = MTASTS_NONE ;
}

static int defer (rreport *rep, char const *a, char const *b, char const *c, char const *d)
{
  char const *parts[5] = { a, b, c, d, ". (#4.7.5)" } ;
  remote_report_final(rep, 'Z', parts, 5) ;
  return 0 ;
}

int remote_mtasts_apply (rconn *c, mtasts_policy const *p, char const *domain, char const *mx, rreport *rep)
{
  c->sts = 0 ;
  c->ststest = 0 ;
  if (p->mode == MTASTS_NONE || c->tlsa.len) return 1 ;   /* DANE wins (RFC 8461 2) */
  if (p->mode == MTASTS_TESTING)
  {
    c->sts = domain ;
    c->ststest = 1 ;
    if (!mtasts_mx_match(p, mx)) remote_mtasts_observe(c, mx, "the MX host is not in the policy") ;
    return 1 ;
  }
  if (!mtasts_mx_match(p, mx))
    return (remote_tlsrpt_note(c, mx, "", "validation-failure", "the MX host is not in the MTA-STS policy"), defer(rep, "Sorry, the MTA-STS policy of ", domain, " (enforce) does not list the MX host ", mx)) ;
  c->sts = domain ;
  c->tlslevel = TLS_VERIFY ;   /* verified TLS with the MX name (RFC 8461 4.2) */
  return 1 ;
}

void remote_mtasts_observe (rconn const *c, char const *mx, char const *what)
{
  if (c->sts && c->ststest)
    strerr_warnw("mtasts mode=testing domain=", c->sts, " mx=", mx, " would defer: ", what) ;
}
