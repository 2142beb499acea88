/* ISC license. */
/* The TLS-RPT report's JSON (RFC 8460 4) from one day's session records of one policy domain
   (berth/tlsrpt.h). The records are sorted, so each policy and each kind of failure is one run
   of equal keys: no quadratic search on a busy domain's day. Trust: the records are berth-
   remote's, their words the network's: every string goes through json_str_cat. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/genalloc.h>
#include <skalibs/types.h>
#include <berth/tlsrpt.h>

#define NF 5                       /* the fields before the policy strings */

typedef struct rec_s rec ;
struct rec_s
{
  char const *f[NF] ;
  char const *pol ;                /* the policy strings, TAB-separated; "" when none */
} ;

static int reccmp (void const *a, void const *b)
{
  rec const *x = a, *y = b ;
  static unsigned int const order[NF] = { TLSRPT_F_TYPE, TLSRPT_F_RESULT, TLSRPT_F_MX, TLSRPT_F_IP, TLSRPT_F_REASON } ;
  int r = strcmp(x->f[TLSRPT_F_TYPE], y->f[TLSRPT_F_TYPE]) ;
  if (r || (r = strcmp(x->pol, y->pol))) return r ;
  for (unsigned int i = 1 ; i < NF ; i++)
    if ((r = strcmp(x->f[order[i]], y->f[order[i]]))) return r ;
  return 0 ;
}

static int samepolicy (rec const *x, rec const *y)
{
  return !strcmp(x->f[TLSRPT_F_TYPE], y->f[TLSRPT_F_TYPE]) && !strcmp(x->pol, y->pol) ;
}

static int samefailure (rec const *x, rec const *y)
{
  return !reccmp(x, y) ;
}

/* the records of s, split in place */
static int split (genalloc *recs, char *s, size_t len, unsigned int *bad)
{
  size_t i = 0 ;
  while (i < len)
  {
    char *nl = memchr(s + i, '\n', len - i) ;
    size_t end = nl ? (size_t)(nl - s) : len ;
    rec r = { .pol = "" } ;
    unsigned int k = 0 ;
    char *p = s + i ;
    if (!nl) { (*bad)++ ; break ; }   /* a line cut short (a full disk, a crash): not a record */
    *nl = 0 ;
    while (k < NF)
    {
      char *t = strchr(p, TLSRPT_SEP) ;
      r.f[k++] = p ;
      if (!t) break ;
      *t = 0 ;
      p = t + 1 ;
      if (k == NF) r.pol = p ;
    }
    if (k < NF || !*r.f[TLSRPT_F_TYPE] || !*r.f[TLSRPT_F_RESULT]) (*bad)++ ;
    else if (!genalloc_append(rec, recs, &r)) return 0 ;
    i = end + 1 ;
  }
  return 1 ;
}

static int key (stralloc *sa, char const *k, char const *v)
{
  return stralloc_cats(sa, "\"") && stralloc_cats(sa, k) && stralloc_cats(sa, "\":") && json_str_cat(sa, v, strlen(v)) ;
}

static int num (stralloc *sa, char const *k, uint64_t n)
{
  char fmt[UINT64_FMT] ;
  return stralloc_cats(sa, "\"") && stralloc_cats(sa, k) && stralloc_cats(sa, "\":") && stralloc_catb(sa, fmt, uint64_fmt(fmt, n)) ;
}

/* policy-string: the TAB-separated strings as a JSON array */
static int strings (stralloc *sa, char const *pol)
{
  if (!stralloc_cats(sa, "\"policy-string\":[")) return 0 ;
  for (int first = 1 ; *pol ; first = 0)
  {
    size_t n = strcspn(pol, "\t") ;
    if ((!first && !stralloc_cats(sa, ",")) || !json_str_cat(sa, pol, n)) return 0 ;
    pol += n + !!pol[n] ;
  }
  return stralloc_cats(sa, "]") ;
}

/* one policy's object: recs[0..n) share it */
static int policy (stralloc *sa, rec const *recs, size_t n, char const *domain)
{
  uint64_t ok = 0, failed = 0 ;
  int first ;
  if (!stralloc_cats(sa, "{\"policy\":{") || !key(sa, "policy-type", recs[0].f[TLSRPT_F_TYPE])
   || !stralloc_cats(sa, ",") || !strings(sa, recs[0].pol)
   || !stralloc_cats(sa, ",") || !key(sa, "policy-domain", domain) || !stralloc_cats(sa, ",\"mx-host\":[")) return 0 ;
  first = 1 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char const *mx = recs[i].f[TLSRPT_F_MX] ;
    size_t j = 0 ;
    if (!*mx) continue ;
    while (j < i && strcmp(recs[j].f[TLSRPT_F_MX], mx)) j++ ;
    if (j < i) continue ;   /* listed already */
    if ((!first && !stralloc_cats(sa, ",")) || !json_str_cat(sa, mx, strlen(mx))) return 0 ;
    first = 0 ;
  }
  for (size_t i = 0 ; i < n ; i++)
    if (!strcmp(recs[i].f[TLSRPT_F_RESULT], TLSRPT_SUCCESS)) ok++ ; else failed++ ;
  if (!stralloc_cats(sa, "]},\"summary\":{") || !num(sa, "total-successful-session-count", ok)
   || !stralloc_cats(sa, ",") || !num(sa, "total-failure-session-count", failed)
   || !stralloc_cats(sa, "},\"failure-details\":[")) return 0 ;
  first = 1 ;
  for (size_t i = 0 ; i < n ; )
  {
    rec const *r = recs + i ;
    size_t j = i + 1 ;
    while (j < n && samefailure(r, recs + j)) j++ ;
    if (strcmp(r->f[TLSRPT_F_RESULT], TLSRPT_SUCCESS))
    {
      if ((!first && !stralloc_cats(sa, ",")) || !stralloc_cats(sa, "{") || !key(sa, "result-type", r->f[TLSRPT_F_RESULT])) return 0 ;
      if (*r->f[TLSRPT_F_MX] && (!stralloc_cats(sa, ",") || !key(sa, "receiving-mx-hostname", r->f[TLSRPT_F_MX]))) return 0 ;
      if (*r->f[TLSRPT_F_IP] && (!stralloc_cats(sa, ",") || !key(sa, "receiving-ip", r->f[TLSRPT_F_IP]))) return 0 ;
      if (!stralloc_cats(sa, ",") || !num(sa, "failed-session-count", j - i)) return 0 ;
      if (*r->f[TLSRPT_F_REASON] && (!stralloc_cats(sa, ",") || !key(sa, "failure-reason-code", r->f[TLSRPT_F_REASON]))) return 0 ;
      if (!stralloc_cats(sa, "}")) return 0 ;
      first = 0 ;
    }
    i = j ;
  }
  return stralloc_cats(sa, "]}") ;
}

int tlsrpt_json (stralloc *sa, char *s, size_t len, tlsrpt_meta const *m, unsigned int *bad)
{
  genalloc recs = GENALLOC_ZERO ;
  rec *r ;
  size_t n ;
  int ok = 0 ;
  *bad = 0 ;
  if (!split(&recs, s, len, bad)) goto end ;
  r = genalloc_s(rec, &recs) ;
  n = genalloc_len(rec, &recs) ;
  if (n) qsort(r, n, sizeof *r, &reccmp) ;
  if (!stralloc_cats(sa, "{") || !key(sa, "organization-name", m->org)
   || !stralloc_cats(sa, ",\"date-range\":{\"start-datetime\":\"") || !stralloc_cats(sa, m->day)
   || !stralloc_cats(sa, "T00:00:00Z\",\"end-datetime\":\"") || !stralloc_cats(sa, m->day)
   || !stralloc_cats(sa, "T23:59:59Z\"},") || !key(sa, "contact-info", m->contact)
   || !stralloc_cats(sa, ",") || !key(sa, "report-id", m->id) || !stralloc_cats(sa, ",\"policies\":[")) goto end ;
  for (size_t i = 0 ; i < n ; )
  {
    size_t j = i + 1 ;
    while (j < n && samepolicy(r + i, r + j)) j++ ;
    if ((i && !stralloc_cats(sa, ",")) || !policy(sa, r + i, j - i, m->domain)) goto end ;
    i = j ;
  }
  ok = stralloc_cats(sa, "]}\n") ;
 end:
  genalloc_free(rec, &recs) ;
  return ok ;
}
