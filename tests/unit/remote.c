/* ISC license. */
/* Table-driven tests of berth-remote's parsers: smtproutes, address literals, nameserver
   syntax, SMTP replies, EHLO capabilities, the DATA encoding, MX sorting, spawn reports, jobs. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/dns.h>
#include <berth/route.h>
#include <berth/rreport.h>
#include <berth/smtpc.h>
#include <berth/spawner.h>
#include "tap.h"

#define S(x) x, sizeof(x) - 1

static char const routes[] = "example.com:relay.example.net\0.sub.example.org:[10.0.0.1]:2525\0"
  "v6.test:[IPv6:2001:db8::1]:26\0mx.test:\0mxport.test::587\0:default.example:24\0" ;
static char const noroutes[] = "a.test:b.test\0" ;

struct rcase { char const *lines ; size_t len ; char const *domain ; int r ; char const *relay ; unsigned int port ; } ;
static struct rcase const rcases[] =
{
  { routes, sizeof routes - 1, "example.com", 1, "relay.example.net", 0 },
  { routes, sizeof routes - 1, "EXAMPLE.com", 1, "relay.example.net", 0 },
  { routes, sizeof routes - 1, "a.sub.example.org", 1, "[10.0.0.1]", 2525 },
  { routes, sizeof routes - 1, "sub.example.org", 1, "default.example", 24 },
  { routes, sizeof routes - 1, "v6.test", 1, "[IPv6:2001:db8::1]", 26 },
  { routes, sizeof routes - 1, "mx.test", 1, "", 0 },
  { routes, sizeof routes - 1, "mxport.test", 1, "", 587 },
  { routes, sizeof routes - 1, "other.test", 1, "default.example", 24 },
  { noroutes, sizeof noroutes - 1, "other.test", 0, "", 0 },
  { noroutes, sizeof noroutes - 1, "x.a.test", 0, "", 0 },
} ;

struct lcase { char const *host ; int bare ; int r ; int is6 ; char const *ip ; } ;
static struct lcase const lcases[] =
{
  { "[127.0.0.1]", 0, 1, 0, "\177\0\0\1" },
  { "[IPv6:::1]", 0, 1, 1, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1" },
  { "[ipv6:::1]", 0, 1, 1, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1" },
  { "[::1]", 0, 0, 0, "" },
  { "[1.2.3]", 0, 0, 0, "" },
  { "[1.2.3.4x]", 0, 0, 0, "" },
  { "1.2.3.4", 0, 0, 0, "" },
  { "1.2.3.4", 1, 1, 0, "\1\2\3\4" },
  { "::1", 1, 1, 1, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1" },
  { "example.com", 1, 0, 0, "" },
} ;

struct ncase { char const *s ; int r ; int is6 ; unsigned int port ; } ;
static struct ncase const ncases[] =
{
  { "127.0.0.1", 1, 0, 53 }, { "127.0.0.1:5353", 1, 0, 5353 }, { "[::1]:5353", 1, 1, 5353 },
  { "::1", 1, 1, 53 }, { "[::1]", 1, 1, 53 }, { "127.0.0.1:", 0, 0, 0 }, { "127.0.0.1:0", 0, 0, 0 },
  { "127.0.0.1:70000", 0, 0, 0 }, { "localhost", 0, 0, 0 }, { "[::1", 0, 0, 0 },
} ;

struct ycase { char const *s ; size_t len ; int r ; unsigned int code ; int more ; } ;
static struct ycase const ycases[] =
{
  { S("250 ok"), 1, 250, 0 }, { S("250-PIPELINING"), 1, 250, 1 }, { S("354"), 1, 354, 0 },
  { S("421 busy"), 1, 421, 0 }, { S("25 x"), 0, 0, 0 }, { S("250x"), 0, 0, 0 },
  { S("abc def"), 0, 0, 0 }, { S("650 no"), 0, 0, 0 }, { S("150 no"), 0, 0, 0 },
} ;

struct ecase { char const *s ; unsigned int flags ; unsigned long size ; } ;
static struct ecase const ecases[] =
{
  { "PIPELINING", SMTPC_PIPELINING, 0 }, { "pipelining", SMTPC_PIPELINING, 0 },
  { "8BITMIME", SMTPC_8BITMIME, 0 }, { "SMTPUTF8", SMTPC_SMTPUTF8, 0 },
  { "SIZE 10240000", SMTPC_SIZE, 10240000 }, { "SIZE", SMTPC_SIZE, 0 },
  { "STARTTLS", SMTPC_STARTTLS, 0 }, { "PIPELININGX", 0, 0 }, { "AUTH PLAIN LOGIN", SMTPC_AUTH_PLAIN | SMTPC_AUTH_LOGIN, 0 }, { "XAUTH PLAIN", 0, 0 },
  { "CHUNKING", SMTPC_CHUNKING, 0 }, { "chunking", SMTPC_CHUNKING, 0 }, { "BINARYMIME", 0, 0 },
  { "DSN", SMTPC_DSN, 0 }, { "dsn", SMTPC_DSN, 0 }, { "DSNX", 0, 0 }, { "REQUIRETLS", SMTPC_REQUIRETLS, 0 }, { "REQUIRETLSX", 0, 0 },
} ;

struct dcase { char const *name ; char const *in ; size_t inlen ; char const *out ; size_t outlen ; } ;
#define D(name, in, out) { name, in, sizeof(in) - 1, out, sizeof(out) - 1 }
static struct dcase const dcases[] =
{
  D("plain lines", "a\nb\n", "a\r\nb\r\n.\r\n"),
  D("one dot", "a\n.\nb\n", "a\r\n..\r\nb\r\n.\r\n"),
  D("leading dots", ".x\n..y\n", "..x\r\n...y\r\n.\r\n"),
  D("dot inside a line", "a.b\n", "a.b\r\n.\r\n"),
  D("no final newline", "abc", "abc\r\n.\r\n"),
  D("final lone dot", "a\n.", "a\r\n..\r\n.\r\n"),
  D("empty", "", ".\r\n"),
  D("stored CRLF", "a\r\nb\r\n", "a\r\nb\r\n.\r\n"),
  D("bare CR ends a line", "a\r.\r\n", "a\r\n..\r\n.\r\n"),
  D("final bare CR", "a\r", "a\r\n.\r\n"),
  D("8-bit unchanged", "caf\303\251\n", "caf\303\251\r\n.\r\n"),
  D("NUL unchanged", "a\0b\n", "a\0b\r\n.\r\n"),
} ;

/* BDAT's content: the same line ends, no dot-stuffing, no final dot (smtpc_encode_lines, 0) */
static struct dcase const bcases[] =
{
  D("dots not stuffed", "a\n.\n..b\n", "a\r\n.\r\n..b\r\n"),
  D("no final newline", "abc", "abc\r\n"),
  D("empty", "", ""),
  D("stored CRLF", "a\r\nb\r\n", "a\r\nb\r\n"),
  D("bare CR ends a line", "a\r.\r\n", "a\r\n.\r\n"),
  D("final bare CR", "a\r", "a\r\n"),
  D("smuggling: LF.LF", "a\n.\nMAIL\n", "a\r\n.\r\nMAIL\r\n"),
} ;

struct pcase { char const *name ; char const *rep ; size_t len ; int ok ; unsigned int n ; char const *out ; size_t outlen ; } ;
#define P(name, rep, ok, n, out) { name, rep, sizeof(rep) - 1, ok, n, out, sizeof(out) - 1 }
static struct pcase const pcases[] =
{
  P("r and K", "r\0Kyes\0", 1, 1, "Kyes\0"),
  P("r h s and K", "r\0hno\0slater\0Kyes\0", 1, 3, "Kyes\0Dno\0Zlater\0"),
  P("final Z for r", "r\0Zdied\0", 1, 1, "Zdied\0"),
  P("final only", "Dnx\0", 1, 2, "Dnx\0Dnx\0"),
  P("K without r", "Kyes\0", 1, 1, "Zberth-remote gave no result for this recipient. (#4.3.0)\0"),
  P("no final", "r\0", 1, 1, "Z" RREPORT_UNABLE "\0"),
  P("garbage", "xyz", 1, 1, "Z" RREPORT_UNABLE "\0"),
  P("empty", "", 1, 1, "Z" RREPORT_UNABLE "\0"),
  P("exit not 0", "r\0Kyes\0", 0, 1, "Z" RREPORT_UNABLE "\0"),
  P("newlines sanitised", "r\0Ka\nb\r\0", 1, 1, "Ka b \0"),
  P("facts after the final record", "r\0sno\0Kyes\0Irelay=mx[192.0.2.1]:25 xfer=5\0", 1, 2,
    "Kyes\037relay=mx[192.0.2.1]:25 xfer=5\0Zno\037relay=mx[192.0.2.1]:25 xfer=5\0"),
  P("facts sanitised", "r\0Kyes\0Ia\nb\0", 1, 1, "Kyes\037a?b\0"),
  P("facts without their NUL ignored", "r\0Kyes\0Ia", 1, 1, "Kyes\0"),
  P("a record after the final is not facts", "r\0Kyes\0rx\0", 1, 1, "Kyes\0"),
} ;

struct jcase { char const *name ; char const *s ; size_t len ; long r ; unsigned int n ; } ;
#define J(name, s, r, n) { name, s, sizeof(s) - 1, r, n }
static struct jcase const jcases[] =
{
  J("one recipient", "\5id\0f@x\0t@y\0\0", 13, 1),
  J("two recipients", "\5id\0f@x\0t@y\0id\0f@x\0u@y\0\0", 24, 2),
  J("null sender", "\5id\0\0t@y\0\0", 10, 1),
  J("incomplete", "\5id\0f@x\0t@y\0", 0, 0),
  J("incomplete field", "\5id\0f@", 0, 0),
  J("empty job", "\5\0", -1, 0),
  J("empty recipient", "\5id\0f\0\0\0", -1, 0),
  J("nothing", "", 0, 0),
} ;

int main (void)
{
  size_t nr = sizeof rcases / sizeof *rcases, nl = sizeof lcases / sizeof *lcases, nn = sizeof ncases / sizeof *ncases ;
  size_t ny = sizeof ycases / sizeof *ycases, ne = sizeof ecases / sizeof *ecases, nd = sizeof dcases / sizeof *dcases, nb = sizeof bcases / sizeof *bcases ;
  size_t np = sizeof pcases / sizeof *pcases, nj = sizeof jcases / sizeof *jcases ;
  TAP_PLAN(nr + nl + nn + ny + ne + 2 * nd + 2 * nb + np + nj + 2) ;
  for (size_t i = 0 ; i < nr ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    uint16_t port = 9999 ;
    int r = route_find(rcases[i].lines, rcases[i].len, rcases[i].domain, &sa, &port) ;
    TAP_OK(r == rcases[i].r && (!r || (!strcmp(sa.s, rcases[i].relay) && port == rcases[i].port)),
      "smtproutes: %s", rcases[i].domain) ;
    stralloc_free(&sa) ;
  }
  for (size_t i = 0 ; i < nl ; i++)
  {
    char ip[16] ; int is6 = -1 ;
    int r = route_literal(lcases[i].host, lcases[i].bare, ip, &is6) ;
    TAP_OK(r == lcases[i].r && (!r || (is6 == lcases[i].is6 && !memcmp(ip, lcases[i].ip, is6 ? 16 : 4))),
      "literal: %s%s", lcases[i].host, lcases[i].bare ? " (bare allowed)" : "") ;
  }
  for (size_t i = 0 ; i < nn ; i++)
  {
    char ip[16] ; int is6 = -1 ; uint16_t port = 0 ;
    int r = dns_server_scan(ncases[i].s, ip, &is6, &port) ;
    TAP_OK(r == ncases[i].r && (!r || (is6 == ncases[i].is6 && port == ncases[i].port)), "nameserver: %s", ncases[i].s) ;
  }
  for (size_t i = 0 ; i < ny ; i++)
  {
    unsigned int code = 0 ; int more = -1 ;
    int r = smtpc_reply_line(ycases[i].s, ycases[i].len, &code, &more) ;
    TAP_OK(r == ycases[i].r && (!r || (code == ycases[i].code && more == ycases[i].more)), "reply line: %s", ycases[i].s) ;
  }
  for (size_t i = 0 ; i < ne ; i++)
  {
    smtpc_caps caps = SMTPC_CAPS_ZERO ;
    smtpc_ehlo_line(&caps, ecases[i].s, strlen(ecases[i].s)) ;
    TAP_OK(caps.flags == ecases[i].flags && caps.size == ecases[i].size, "ehlo: %s", ecases[i].s) ;
  }
  for (size_t i = 0 ; i < nd ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    unsigned int st = SMTPC_ENC_BOL ;
    int r = smtpc_encode(&sa, dcases[i].in, dcases[i].inlen, &st) && smtpc_encode_end(&sa, &st) ;
    TAP_OK(r && sa.len == dcases[i].outlen && !memcmp(sa.s, dcases[i].out, sa.len), "encode: %s", dcases[i].name) ;
    /* the same bytes fed one at a time give the same result */
    sa.len = 0 ; st = SMTPC_ENC_BOL ; r = 1 ;
    for (size_t j = 0 ; j < dcases[i].inlen ; j++) r = r && smtpc_encode(&sa, dcases[i].in + j, 1, &st) ;
    r = r && smtpc_encode_end(&sa, &st) ;
    TAP_OK(r && sa.len == dcases[i].outlen && !memcmp(sa.s, dcases[i].out, sa.len), "encode byte by byte: %s", dcases[i].name) ;
    stralloc_free(&sa) ;
  }
  for (size_t i = 0 ; i < nb ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    unsigned int st = SMTPC_ENC_BOL ;
    int r = smtpc_encode_lines(&sa, bcases[i].in, bcases[i].inlen, &st, 0) && smtpc_encode_close(&sa, &st) ;
    TAP_OK(r && sa.len == bcases[i].outlen && !memcmp(sa.s, bcases[i].out, sa.len), "bdat encode: %s", bcases[i].name) ;
    sa.len = 0 ; st = SMTPC_ENC_BOL ; r = 1 ;
    for (size_t j = 0 ; j < bcases[i].inlen ; j++) r = r && smtpc_encode_lines(&sa, bcases[i].in + j, 1, &st, 0) ;
    r = r && smtpc_encode_close(&sa, &st) ;
    TAP_OK(r && sa.len == bcases[i].outlen && !memcmp(sa.s, bcases[i].out, sa.len), "bdat encode byte by byte: %s", bcases[i].name) ;
    stralloc_free(&sa) ;
  }
  for (size_t i = 0 ; i < np ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    int r = rreport_records(&sa, pcases[i].rep, pcases[i].len, pcases[i].ok, pcases[i].n) ;
    TAP_OK(r && sa.len == pcases[i].outlen && !memcmp(sa.s, pcases[i].out, sa.len), "report: %s", pcases[i].name) ;
    stralloc_free(&sa) ;
  }
  for (size_t i = 0 ; i < nj ; i++)
  {
    spawner_jobin job ;
    size_t r = spawner_jobscan(jcases[i].s, jcases[i].len, &job) ;
    /* berth-rspawn refuses a complete job without recipients or with an empty one */
    long got = !r ? 0 : !job.n || job.bad ? -1 : (long)r ;
    TAP_OK(got == jcases[i].r && (got <= 0 || job.n == jcases[i].n), "job: %s", jcases[i].name) ;
  }
  {
    dns_mxrec mx[6] = { { 20, 0 }, { 10, 1 }, { 10, 2 }, { 30, 3 }, { 10, 4 }, { 0, 5 } } ;
    int sorted = 1, seen_first[6] = { 0 } ;
    for (unsigned int k = 0 ; k < 64 ; k++)
    {
      dns_mx_sort(mx, 6) ;
      for (unsigned int i = 1 ; i < 6 ; i++) if (mx[i-1].pref > mx[i].pref) sorted = 0 ;
      seen_first[mx[1].name] = 1 ;
    }
    TAP_OK(sorted && mx[0].name == 5 && mx[5].name == 3, "MX sort: preference order") ;
    TAP_OK(seen_first[1] + seen_first[2] + seen_first[4] == 3, "MX sort: ties in random order") ;
  }
  return TAP_DONE() ;
}
