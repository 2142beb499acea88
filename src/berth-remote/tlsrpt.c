/* ISC license. */
/* berth-remote: TLS-RPT (RFC 8460) recording, when control/tlsrpt exists. Each TLS-relevant
   session outcome of a domain reached by MX becomes one line appended to
   queue/tlsrpt/DAY/DOMAIN (berth/tlsrpt.h): the policy that applied (DANE's TLSA records, the
   MTA-STS policy, or none), the MX host and address, success or the RFC 8460 4.3 result type
   and its reason. berth-tlsrpt reports and removes a finished day. A failure to record is
   logged and never changes a delivery. Trust: the words come from the network (MX names,
   berth-tlsc's reason) and are made printable; the directory is the remote user's. */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/mtasts.h>
#include <berth/tlsrpt.h>
#include "remote.h"

#define TLSC_STATUS "berth-tlsc status "

/* berth-tlsc's reason -> RFC 8460 4.3 result type; any other failure: validation-failure */
static struct { char const *code ; char const *result ; } const results[] =
{
  { "X509_BAD_SERVER_NAME", "certificate-host-mismatch" },
  { "X509_EXPIRED", "certificate-expired" },
  { "X509_NOT_TRUSTED", "certificate-not-trusted" },
  { "TLSA_MISMATCH", "tlsa-invalid" },
} ;
#define RESULT_OTHER "validation-failure"

void remote_tlsrpt_start (rtlsrpt *t, rconn *c, char const *host, int bymx, mtasts_policy const *sts)
{
  c->rpt = 0 ;
  if (!bymx || access(TLSRPT_CONTROL, F_OK) || !mtasts_domain_ok(host, t->domain)) return ;
  t->sts = sts ;
  c->rpt = t ;
}

/* DANE's own failures, decided before any record is usable (RFC 8460 4.3.2.1) */
static char const *const daneresults[] = { "tlsa-invalid", "dnssec-invalid", "dane-required" } ;

static int isdane (char const *result)
{
  for (unsigned int i = 0 ; i < sizeof daneresults / sizeof *daneresults ; i++)
    if (!strcmp(result, daneresults[i])) return 1 ;
  return 0 ;
}

/* the policy fields: type, then its strings */
static int policy (stralloc *sa, rconn const *c, char const *result)
{
  mtasts_policy const *p = c->rpt->sts ;
  if (c->tlsa.len || isdane(result))
  {  /* DANE: the TLSA records as presentation text, "3 1 1 HEX" (none when DANE failed first) */
    if (!tlsrpt_field_cat(sa, "tlsa", 1)) return 0 ;
    for (size_t i = 0 ; i < c->tlsa.len ; i += strlen(c->tlsa.s + i) + 1)
    {
      size_t start = sa->len + 1 ;
      if (!tlsrpt_field_cat(sa, c->tlsa.s + i, 0)) return 0 ;
      for (size_t k = start ; k < sa->len ; k++) if (sa->s[k] == ':') sa->s[k] = ' ' ;
    }
    return 1 ;
  }
  if (!p || p->mode == MTASTS_NONE) return tlsrpt_field_cat(sa, "no-policy-found", 1) ;
  {  /* MTA-STS: the policy's lines (RFC 8460 4.4, policy-string) */
    char num[UINT32_FMT] ;
    if (!tlsrpt_field_cat(sa, "sts", 1) || !tlsrpt_field_cat(sa, "version: STSv1", 0)) return 0 ;
    if (!stralloc_cats(sa, "\tmode: ") || !stralloc_cats(sa, mtasts_modes[p->mode])) return 0 ;
    for (size_t i = 0 ; i < p->mx.len ; i += strlen(p->mx.s + i) + 1)
      if (!tlsrpt_field_cat(sa, "mx: ", 0) || !tlsrpt_field_cat(sa, p->mx.s + i, 1)) return 0 ;
    num[uint32_fmt(num, p->max_age)] = 0 ;
    return tlsrpt_field_cat(sa, "max_age: ", 0) && tlsrpt_field_cat(sa, num, 1) ;
  }
}

void remote_tlsrpt_note (rconn const *c, char const *mx, char const *ip, char const *result, char const *reason)
{
  stralloc line = STRALLOC_ZERO ;
  stralloc pol = STRALLOC_ZERO ;
  char day[TLSRPT_DAY_LEN + 1] ;
  if (!c->rpt) return ;
  if (!tlsrpt_day_fmt(day, time(0))) return ;
  if (!policy(&pol, c, result)) goto nomem ;
  {  /* TYPE RESULT MX IP REASON, then the policy strings */
    char const *t = memchr(pol.s, TLSRPT_SEP, pol.len) ;   /* pol is not NUL-terminated */
    size_t tl = t ? (size_t)(t - pol.s) : pol.len ;
    if (!stralloc_catb(&line, pol.s, tl)
     || !tlsrpt_field_cat(&line, result, 0)
     || !tlsrpt_field_cat(&line, mx ? mx : c->host, 0)
     || !tlsrpt_field_cat(&line, ip ? ip : c->ip, 0)
     || !tlsrpt_field_cat(&line, reason ? reason : "", 0)
     || !stralloc_catb(&line, pol.s + tl, pol.len - tl)
     || !stralloc_catb(&line, "\n", 1)) goto nomem ;
  }
  if (line.len > TLSRPT_LINE_MAX) { line.len = TLSRPT_LINE_MAX ; line.s[line.len - 1] = '\n' ; }
  {
    char path[sizeof TLSRPT_DIR + TLSRPT_DAY_LEN + MTASTS_DOMAIN_MAX + 2] ;
    size_t dl = sizeof TLSRPT_DIR - 1 ;
    int fd ;
    memcpy(path, TLSRPT_DIR "/", dl + 1) ;
    memcpy(path + dl + 1, day, TLSRPT_DAY_LEN + 1) ;
    if (mkdir(path, 0755) < 0 && errno != EEXIST) { strerr_warnwu2sys("record a TLS-RPT session in ", path) ; goto end ; }
    path[dl + 1 + TLSRPT_DAY_LEN] = '/' ;
    memcpy(path + dl + 2 + TLSRPT_DAY_LEN, c->rpt->domain, strlen(c->rpt->domain) + 1) ;
    fd = open_append(path) ;   /* one write per line: O_APPEND keeps concurrent lines whole */
    if (fd < 0) { strerr_warnwu2sys("record a TLS-RPT session in ", path) ; goto end ; }
    if (fd_write(fd, line.s, line.len) != (ssize_t)line.len) strerr_warnwu2sys("record a TLS-RPT session in ", path) ;
    fd_close(fd) ;
  }
  goto end ;
 nomem:
  strerr_warnwu1x("record a TLS-RPT session: out of memory") ;
 end:
  stralloc_free(&pol) ;
  stralloc_free(&line) ;
}

void remote_tlsrpt_failed (rconn const *c, char const *why)
{
  char const *code = strstr(why, TLSC_STATUS) ;
  char const *result = RESULT_OTHER ;
  char reason[80] ;
  size_t n = 0 ;
  if (code) code = strstr(code, ": ") ;
  if (code)
  {  /* "berth-tlsc status 98: X509_BAD_SERVER_NAME: text": the code */
    code += 2 ;
    n = strcspn(code, ": ") ;
    if (n >= sizeof reason) n = sizeof reason - 1 ;
    memcpy(reason, code, n) ;
    for (unsigned int i = 0 ; i < sizeof results / sizeof *results ; i++)
      if (strlen(results[i].code) == n && !memcmp(results[i].code, code, n)) result = results[i].result ;
  }
  reason[n] = 0 ;
  remote_tlsrpt_note(c, 0, 0, result, n ? reason : why) ;
}

void remote_tlsrpt_up (rconn const *c)
{
  mtasts_policy const *p = c->rpt ? c->rpt->sts : 0 ;
  char const *why = 0 ;
  /* MTA-STS requires a listed MX host and a certificate that verifies (testing mode: delivery
     went on without them) */
  if (p && p->mode != MTASTS_NONE && !c->tlsa.len)
  {
    if (!mtasts_mx_match(p, c->host)) why = "the MX host is not in the MTA-STS policy" ;
    else if (!strstr(c->tlstext.s ? c->tlstext.s : "", " verified=1")) why = "the certificate does not verify (chain or name)" ;
  }
  remote_tlsrpt_note(c, 0, 0, why ? RESULT_OTHER : TLSRPT_SUCCESS, why) ;
}
