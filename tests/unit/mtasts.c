/* ISC license. */
/* MTA-STS (RFC 8461) parsing, table-driven: the _mta-sts TXT record (3.1), the policy file
   (3.2), MX patterns (4.1), the cache entry's round trip, the domain check, and TXT records from
   a DNS reply (dns_answer_parse). */

#include <string.h>
#include <arpa/nameser.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/dns.h>
#include <berth/mtasts.h>
#include "tap.h"

struct txtcase { char const *in ; int r ; char const *id ; } ;
static struct txtcase const txts[] =
{
  { "v=STSv1; id=20160831085700Z;", 1, "20160831085700Z" },
  { "v=STSv1;id=abc", 1, "abc" },
  { "v=STSv1; id=abc; ext=1;", 1, "abc" },
  { "v=STSv1;  id=x1 ;", 1, "x1" },
  { "v=spf1 -all", 0, 0 },
  { "v=STSv10; id=abc;", 0, 0 },
  { "v=STSv1;", -1, 0 },
  { "v=STSv1; id=;", -1, 0 },
  { "v=STSv1; id=a-b;", -1, 0 },
  { "v=STSv1; id=123456789012345678901234567890123;", -1, 0 },
  { "v=STSv1; id=a; id=b;", -1, 0 },
  { "v=STSv1; junk;", -1, 0 },
  { " v=STSv1; id=a;", 0, 0 },
} ;

struct polcase { char const *in ; int r ; int mode ; unsigned int max_age ; char const *mx ; size_t mxlen ; } ;
#define MX(s) s, sizeof s
static struct polcase const pols[] =
{
  { "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 86400\r\n", 1, MTASTS_ENFORCE, 86400, MX("mail.example.com\0*.example.net") },
  { "version: STSv1\nmode: testing\nmx: MX.Example.COM.\nmax_age: 0\n", 1, MTASTS_TESTING, 0, MX("mx.example.com") },
  { "mode: none\r\nversion: STSv1\r\nmax_age: 31557600", 1, MTASTS_NONE, 31557600, MX("") },
  { "version: STSv1\r\nmode: enforce\r\nmx: a.test\r\nmax_age: 60\r\nfoo: bar\r\nmode: none\r\n", 1, MTASTS_ENFORCE, 60, MX("a.test") },
  { "version: STSv2\r\nmode: enforce\r\nmx: a.test\r\nmax_age: 60\r\n", 0, 0, 0, MX("") },
  { "version: STSv1\r\nmode: enforce\r\nmax_age: 60\r\n", 0, 0, 0, MX("") },
  { "version: STSv1\r\nmode: strict\r\nmx: a.test\r\nmax_age: 60\r\n", 0, 0, 0, MX("") },
  { "version: STSv1\r\nmode: enforce\r\nmx: a.test\r\nmax_age: 31557601\r\n", 0, 0, 0, MX("") },
  { "version: STSv1\r\nmode: enforce\r\nmx: a.test\r\nmax_age: -1\r\n", 0, 0, 0, MX("") },
  { "version: STSv1\r\nmode: enforce\r\nmx: a.test\r\n", 0, 0, 0, MX("") },
  { "version: STSv1\r\nmode: enforce\r\nmx: a*.test\r\nmax_age: 60\r\n", 0, 0, 0, MX("") },
  { "version: STSv1\r\nmode: enforce\r\nmx: a.test\r\nmax_age: 60\r\ngarbage\r\n", 0, 0, 0, MX("") },
  { "<html>", 0, 0, 0, MX("") },
  { "", 0, 0, 0, MX("") },
} ;

struct mxcase { char const *pat ; size_t plen ; char const *host ; int r ; } ;
static struct mxcase const mxs[] =
{
  { MX("mail.example.com"), "mail.example.com", 1 },
  { MX("mail.example.com"), "MAIL.example.com.", 1 },
  { MX("mail.example.com"), "mail2.example.com", 0 },
  { MX("*.example.com"), "mx1.example.com", 1 },
  { MX("*.example.com"), "a.b.example.com", 0 },
  { MX("*.example.com"), "example.com", 0 },
  { MX("*.example.com"), ".example.com", 0 },
  { MX("a.test\0*.example.com"), "x.example.com", 1 },
} ;

/* a reply with two TXT records, the second of two strings, and one whose string overruns */
#define PTR_QNAME 0xc0, 0x0c
#define RR(type, len) PTR_QNAME, 0, type, 0, 1, 0, 0, 0, 60, 0, len
static unsigned char const reply[] =
{
  0, 1, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0,
  8, '_', 'm', 't', 'a', '-', 's', 't', 's', 1, 't', 0, 0, 16, 0, 1,
  RR(16, 5), 4, 'v', '=', 'S', 'T',
  RR(16, 6), 2, 'a', 'b', 2, 'c', 'd',
  RR(16, 3), 9, 'x', 'y',
} ;

int main (void)
{
  unsigned int n = sizeof txts / sizeof *txts + sizeof pols / sizeof *pols + sizeof mxs / sizeof *mxs ;
  mtasts_policy p = MTASTS_POLICY_ZERO, q = MTASTS_POLICY_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  char id[MTASTS_ID_MAX + 1], dom[MTASTS_DOMAIN_MAX + 1] ;
  char const *why ;
  TAP_PLAN(n + 11) ;
  for (size_t i = 0 ; i < sizeof txts / sizeof *txts ; i++)
  {
    int r = mtasts_txt_parse(txts[i].in, id) ;
    TAP_OK(r == txts[i].r && (r != 1 || !strcmp(id, txts[i].id)), "TXT \"%s\": %d", txts[i].in, r) ;
  }
  for (size_t i = 0 ; i < sizeof pols / sizeof *pols ; i++)
  {
    int r = mtasts_policy_parse(pols[i].in, strlen(pols[i].in), &p, &why) ;
    int same = r == pols[i].r && (!r || (p.mode == pols[i].mode && p.max_age == pols[i].max_age
      && (pols[i].mxlen == 1 ? !p.mx.len : p.mx.len == pols[i].mxlen && !memcmp(p.mx.s, pols[i].mx, p.mx.len)))) ;
    TAP_OK(same, "policy %zu: %s", i, r ? "valid" : why) ;
  }
  for (size_t i = 0 ; i < sizeof mxs / sizeof *mxs ; i++)
  {
    p.mx.len = 0 ;
    stralloc_catb(&p.mx, mxs[i].pat, mxs[i].plen) ;
    TAP_OK(mtasts_mx_match(&p, mxs[i].host) == mxs[i].r, "mx %s against %s", mxs[i].host, mxs[i].pat) ;
  }
  {
    static char const two[] = "v=spf1 -all\0v=STSv1; id=a1;" ;
    static char const dup[] = "v=STSv1; id=a1;\0v=STSv1; id=a2;" ;
    TAP_OK(mtasts_txt_pick(two, sizeof two, id) && !strcmp(id, "a1"), "one STSv1 record among others is used") ;
    TAP_OK(!mtasts_txt_pick(dup, sizeof dup, id), "two STSv1 records: no policy") ;
  }
  mtasts_policy_parse(pols[0].in, strlen(pols[0].in), &p, &why) ;
  memcpy(p.id, "abc", 4) ;
  p.fetched = 1700000000 ;
  TAP_OK(mtasts_cache_format(&sa, &p) && mtasts_cache_parse(sa.s, sa.len, &q) == 1, "cache entry formatted and parsed") ;
  TAP_OK(!strcmp(q.id, "abc") && q.mode == p.mode && q.max_age == p.max_age && q.fetched == p.fetched
    && q.mx.len == p.mx.len && !memcmp(q.mx.s, p.mx.s, p.mx.len), "cache entry: the same policy back") ;
  TAP_OK(mtasts_fresh(&q, 1700086399) && !mtasts_fresh(&q, 1700086400), "fresh until fetched + max_age") ;
  TAP_OK(mtasts_cache_parse("id x\nmode enforce\n", 18, &q) < 0, "a cache entry without max_age is refused") ;
  TAP_OK(mtasts_domain_ok("Example.COM.", dom) && !strcmp(dom, "example.com"), "domain lower-cased, final dot dropped") ;
  TAP_OK(!mtasts_domain_ok("../etc", dom) && !mtasts_domain_ok("a..b", dom) && !mtasts_domain_ok("", dom) && !mtasts_domain_ok("a/b", dom), "domains that cannot name a file are refused") ;
  {
    genalloc out = GENALLOC_ZERO ;
    char cname[NS_MAXDNAME] ;
    static char const want[] = "v=ST\0abcd" ;
    sa.len = 0 ;
    TAP_OK(dns_answer_parse(reply, sizeof reply, ns_t_txt, &sa, &out, cname) == DNS_OK, "TXT answer parsed") ;
    TAP_OK(sa.len == sizeof want && !memcmp(sa.s, want, sizeof want), "TXT records: strings joined, the overrunning one dropped") ;
    sa.len = 0 ;
    TAP_OK(dns_answer_parse(reply, sizeof reply - 4, ns_t_txt, &sa, &out, cname) == DNS_TEMP, "a truncated TXT reply is refused") ;
  }
  stralloc_free(&sa) ;
  stralloc_free(&p.mx) ;
  stralloc_free(&q.mx) ;
  return TAP_DONE() ;
}
