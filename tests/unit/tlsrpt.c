/* ISC license. */
/* TLS-RPT (RFC 8460), table-driven: JSON string quoting, the _smtp._tls TXT record, the day
   names, the CRC-32 and the stored gzip container, a record field, and the report's JSON built
   from session records (grouping and counts). */

#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/uint16.h>
#include <skalibs/uint32.h>
#include <berth/tlsrpt.h>
#include "tap.h"

struct jcase { char const *in ; size_t len ; char const *out ; } ;
#define J(s, o) { s, sizeof s - 1, o }
static struct jcase const jsons[] =
{
  J("", "\"\""),
  J("plain text", "\"plain text\""),
  J("a\"b", "\"a\\\"b\""),
  J("back\\slash", "\"back\\\\slash\""),
  J("tab\tnl\n", "\"tab\\u0009nl\\u000a\""),
  J("del\x7f", "\"del\\u007f\""),
  J("caf\xc3\xa9", "\"caf\xc3\xa9\""),
  J("latin1 \xe9", "\"latin1 \\u00e9\""),
  J("nul\0x", "\"nul\\u0000x\""),
  J("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""),   /* a surrogate is not UTF-8 */
} ;

struct tcase { char const *in ; int r ; char const *rua ; size_t rualen ; unsigned int https ; } ;
#define R(s) s, sizeof s - 1
static struct tcase const txts[] =
{
  { "v=TLSRPTv1; rua=mailto:tlsrpt@report.test", 1, R("tlsrpt@report.test\0"), 0 },
  { "v=TLSRPTv1;rua=mailto:a@x.test,mailto:b@y.test;", 1, R("a@x.test\0b@y.test\0"), 0 },
  { "v=TLSRPTv1; rua=https://reports.test/v1, mailto:a@x.test", 1, R("a@x.test\0"), 1 },
  { "v=TLSRPTv1; rua=https://reports.test/v1", 1, R(""), 1 },
  { "v=TLSRPTv1; rua=MAILTO:a@x.test?subject=hi", 1, R("a@x.test\0"), 0 },
  { "v=TLSRPTv1; rua=mailto:a@x.test; ext=1", 1, R("a@x.test\0"), 0 },
  { "v=TLSRPTv1; rua=mailto:<a@x.test>", -1, R(""), 0 },
  { "v=TLSRPTv1; rua=mailto:nodomain", -1, R(""), 0 },
  { "v=TLSRPTv1; rua=ftp://x", -1, R(""), 0 },
  { "v=TLSRPTv1;", -1, R(""), 0 },
  { "v=TLSRPTv1; rua=mailto:a@x.test; rua=mailto:b@x.test", -1, R(""), 0 },
  { "v=TLSRPTv1; junk", -1, R(""), 0 },
  { "v=TLSRPTv10; rua=mailto:a@x.test", 0, R(""), 0 },
  { "v=spf1 -all", 0, R(""), 0 },
} ;

struct dcase { char const *in ; int ok ; uint64_t t ; } ;
static struct dcase const days[] =
{
  { "1970-01-01", 1, 0 },
  { "2026-12-05", 1, 1796428800 },
  { "2024-02-29", 1, 1709164800 },
  { "2026-02-30", 0, 0 },
  { "2026-1-05", 0, 0 },
  { "2026-12-05x", 0, 0 },
  { "../etc", 0, 0 },
  { "", 0, 0 },
} ;

/* the report of some records: what its JSON must contain */
static char const records[] =
  "sts\tsuccess\tmx.pol.test\t127.0.0.1\t\tversion: STSv1\tmode: enforce\tmx: mx.pol.test\tmax_age: 86400\n"
  "sts\tcertificate-host-mismatch\tmx.pol.test\t127.0.0.1\tX509_BAD_SERVER_NAME\tversion: STSv1\tmode: enforce\tmx: mx.pol.test\tmax_age: 86400\n"
  "sts\tsuccess\tmx.pol.test\t127.0.0.1\t\tversion: STSv1\tmode: enforce\tmx: mx.pol.test\tmax_age: 86400\n"
  "sts\tcertificate-host-mismatch\tmx.pol.test\t127.0.0.1\tX509_BAD_SERVER_NAME\tversion: STSv1\tmode: enforce\tmx: mx.pol.test\tmax_age: 86400\n"
  "tlsa\ttlsa-invalid\tmx2.pol.test\t::1\tTLSA_MISMATCH\t3 1 1 abcd\n"
  "no-policy-found\tsuccess\tmx3.pol.test\t127.0.0.2\t\n"
  "garbage line\n"
  "sts\tsuccess\tcut short" ;
static char const *const wants[] =
{
  "{\"organization-name\":\"Org \\\"q\\\"\",\"date-range\":{\"start-datetime\":\"2026-12-05T00:00:00Z\",\"end-datetime\":\"2026-12-05T23:59:59Z\"},\"contact-info\":\"pm@org.test\",\"report-id\":\"id1\",\"policies\":[",
  "{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: enforce\",\"mx: mx.pol.test\",\"max_age: 86400\"],\"policy-domain\":\"pol.test\",\"mx-host\":[\"mx.pol.test\"]},\"summary\":{\"total-successful-session-count\":2,\"total-failure-session-count\":2},\"failure-details\":[{\"result-type\":\"certificate-host-mismatch\",\"receiving-mx-hostname\":\"mx.pol.test\",\"receiving-ip\":\"127.0.0.1\",\"failed-session-count\":2,\"failure-reason-code\":\"X509_BAD_SERVER_NAME\"}]}",
  "{\"policy\":{\"policy-type\":\"tlsa\",\"policy-string\":[\"3 1 1 abcd\"],\"policy-domain\":\"pol.test\",\"mx-host\":[\"mx2.pol.test\"]},\"summary\":{\"total-successful-session-count\":0,\"total-failure-session-count\":1},\"failure-details\":[{\"result-type\":\"tlsa-invalid\",\"receiving-mx-hostname\":\"mx2.pol.test\",\"receiving-ip\":\"::1\",\"failed-session-count\":1,\"failure-reason-code\":\"TLSA_MISMATCH\"}]}",
  "{\"policy\":{\"policy-type\":\"no-policy-found\",\"policy-string\":[],\"policy-domain\":\"pol.test\",\"mx-host\":[\"mx3.pol.test\"]},\"summary\":{\"total-successful-session-count\":1,\"total-failure-session-count\":0},\"failure-details\":[]}",
} ;

int main (void)
{
  unsigned int nj = sizeof jsons / sizeof *jsons, nt = sizeof txts / sizeof *txts, nd = sizeof days / sizeof *days ;
  TAP_PLAN(nj + 2 * nt + nd + 12 + sizeof wants / sizeof *wants) ;
  for (unsigned int i = 0 ; i < nj ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    int ok = json_str_cat(&sa, jsons[i].in, jsons[i].len) ;
    TAP_OK(ok && sa.len == strlen(jsons[i].out) && !memcmp(sa.s, jsons[i].out, sa.len), "json string %u: %s", i, jsons[i].out) ;
    stralloc_free(&sa) ;
  }
  for (unsigned int i = 0 ; i < nt ; i++)
  {
    stralloc rua = STRALLOC_ZERO ;
    unsigned int https = 0 ;
    int r = tlsrpt_txt_parse(txts[i].in, &rua, &https) ;
    TAP_OK(r == txts[i].r && https == (r > 0 ? txts[i].https : 0), "txt %s: %d", txts[i].in, r) ;
    TAP_OK(rua.len == txts[i].rualen && (!rua.len || !memcmp(rua.s, txts[i].rua, rua.len)), "txt %s: the mailto addresses", txts[i].in) ;
    stralloc_free(&rua) ;
  }
  for (unsigned int i = 0 ; i < nd ; i++)
  {
    uint64_t t = 42 ;
    char back[TLSRPT_DAY_LEN + 1] ;
    int ok = tlsrpt_day_scan(days[i].in, &t) ;
    TAP_OK(ok == days[i].ok && (!ok || (t == days[i].t && tlsrpt_day_fmt(back, t) && !strcmp(back, days[i].in))), "day %s", days[i].in) ;
  }
  {  /* TXT pick: exactly one TLSRPTv1 record */
    static char const two[] = "v=TLSRPTv1; rua=mailto:a@x.test\0v=TLSRPTv1; rua=mailto:b@x.test\0" ;
    static char const one[] = "v=spf1 -all\0v=TLSRPTv1; rua=mailto:a@x.test\0" ;
    stralloc rua = STRALLOC_ZERO ;
    unsigned int https = 0 ;
    TAP_OK(!tlsrpt_txt_pick(two, sizeof two - 1, &rua, &https) && !rua.len, "two TLSRPTv1 records: none") ;
    TAP_OK(tlsrpt_txt_pick(one, sizeof one - 1, &rua, &https) && rua.len == 9 && !strcmp(rua.s, "a@x.test"), "one TLSRPTv1 record among others") ;
    stralloc_free(&rua) ;
  }
  TAP_OK(crc32_update(0, "123456789", 9) == 0xcbf43926, "CRC-32 check value (RFC 1952)") ;
  TAP_OK(crc32_update(crc32_update(0, "1234", 4), "56789", 5) == 0xcbf43926, "CRC-32 in two steps") ;
  {  /* gzip: header, stored blocks (one per 65535 bytes), CRC and length */
    stralloc gz = STRALLOC_ZERO ;
    static char big[70000] ;
    uint16_t len, nlen ;
    uint32_t crc, isize ;
    memset(big, 'x', sizeof big) ;
    TAP_OK(gzip_stored(&gz, big, sizeof big) && gz.len == 10 + 5 + 65535 + 5 + (sizeof big - 65535) + 8, "gzip of 70000 bytes: two stored blocks") ;
    uint16_unpack(gz.s + 11, &len) ; uint16_unpack(gz.s + 13, &nlen) ;
    TAP_OK((unsigned char)gz.s[0] == 0x1f && (unsigned char)gz.s[1] == 0x8b && gz.s[2] == 8 && gz.s[10] == 0 && len == 65535 && nlen == 0, "first block: not final, 65535 bytes") ;
    TAP_OK(gz.s[10 + 5 + 65535] == 1, "second block: final") ;
    uint32_unpack(gz.s + gz.len - 8, &crc) ; uint32_unpack(gz.s + gz.len - 4, &isize) ;
    TAP_OK(crc == crc32_update(0, big, sizeof big) && isize == sizeof big, "trailer: CRC-32 and size") ;
    gz.len = 0 ;
    TAP_OK(gzip_stored(&gz, "", 0) && gz.len == 23 && gz.s[10] == 1, "gzip of nothing: one empty final block") ;
    stralloc_free(&gz) ;
  }
  {
    stralloc sa = STRALLOC_ZERO ;
    TAP_OK(tlsrpt_field_cat(&sa, "a\tb\nc\xff", 1) && tlsrpt_field_cat(&sa, "d", 0) && sa.len == 8 && !memcmp(sa.s, "a?b?c?\td", 8), "record fields: one line, printable") ;
    stralloc_free(&sa) ;
  }
  {
    stralloc sa = STRALLOC_ZERO ;
    char buf[sizeof records] ;
    tlsrpt_meta m = { .org = "Org \"q\"", .contact = "pm@org.test", .id = "id1", .domain = "pol.test", .day = "2026-12-05" } ;
    unsigned int bad = 0 ;
    memcpy(buf, records, sizeof records) ;
    TAP_OK(tlsrpt_json(&sa, buf, sizeof records - 1, &m, &bad) && stralloc_0(&sa), "report built") ;
    TAP_OK(bad == 2, "two lines that are not records skipped (%u)", bad) ;
    for (unsigned int i = 0 ; i < sizeof wants / sizeof *wants ; i++)
      TAP_OK(sa.s && strstr(sa.s, wants[i]), "report holds part %u", i) ;
    if (sa.s) printf("# %s", sa.s) ;
    stralloc_free(&sa) ;
  }
  return TAP_DONE() ;
}
