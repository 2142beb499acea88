/* ISC license. */
/* Table-driven tests of the envelope extension (berth/envext.h): xtext, NOTIFY, RET, ORCPT,
   ENVID, the lookup in a record, the MAIL/RCPT parameter parser's DSN and REQUIRETLS words and
   the records it writes, and envscan's acceptance of E and R records. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/envelope.h>
#include <berth/envext.h>
#include <berth/qq.h>
#include <berth/smtpaddr.h>
#include "tap.h"

#define S(lit) lit, sizeof(lit) - 1

struct xcase { char const *s ; size_t len ; int ok ; char const *dec ; } ;
static struct xcase const xcases[] =
{
  { S("QQ314159"), 1, "QQ314159" },
  { S("joe+40example.com"), 1, "joe@example.com" },
  { S("a+2Bb+3dc"), 1, "a+b=c" },
  { S(""), 1, "" },
  { S("a=b"), 0, 0 },
  { S("a b"), 0, 0 },
  { S("a+4"), 0, 0 },
  { S("a+"), 0, 0 },
  { S("a+GG"), 0, 0 },
  { S("caf\303\251"), 0, 0 },
} ;

struct ncase { char const *s ; size_t len ; int ok ; unsigned int bits ; char const *fmt ; } ;
static struct ncase const ncases[] =
{
  { S("NEVER"), 1, ENVEXT_NOTIFY_NEVER, "NEVER" },
  { S("success,failure"), 1, ENVEXT_NOTIFY_SUCCESS | ENVEXT_NOTIFY_FAILURE, "SUCCESS,FAILURE" },
  { S("DELAY,SUCCESS,FAILURE"), 1, ENVEXT_NOTIFY_SUCCESS | ENVEXT_NOTIFY_FAILURE | ENVEXT_NOTIFY_DELAY, "SUCCESS,FAILURE,DELAY" },
  { S("NEVER,SUCCESS"), 0, 0, 0 },
  { S("SUCCESS,SUCCESS"), 0, 0, 0 },
  { S("SUCCESS,"), 0, 0, 0 },
  { S(""), 0, 0, 0 },
  { S("SOMETIMES"), 0, 0, 0 },
} ;

struct ocase { char const *s ; size_t len ; int ok ; char const *dec ; } ;
static struct ocase const ocases[] =
{
  { S("rfc822;joe+40example.com"), 1, "rfc822;joe@example.com" },
  { S("RFC822;a@b"), 1, "RFC822;a@b" },
  { S("utf-8;j\\x{F6}rg@example.com"), 1, "utf-8;j\\x{F6}rg@example.com" },
  { S("utf-8;a+40b"), 0, 0 },
  { S("rfc822;"), 0, 0 },
  { S(";a@b"), 0, 0 },
  { S("rfc822"), 0, 0 },
  { S("rfc 822;a@b"), 0, 0 },
  { S("rfc822;a=b"), 0, 0 },
} ;

struct pcase { char const *s ; unsigned int verb ; int r ; char const *ext ; } ;
static struct pcase const pcases[] =
{
  { " RET=HDRS ENVID=QQ314159", SMTPPARAM_MAIL, SMTPPARAM_OK, "RET=HDRS ENVID=QQ314159" },
  { " REQUIRETLS ENVID=x ret=full", SMTPPARAM_MAIL, SMTPPARAM_OK, "RET=FULL ENVID=x REQUIRETLS" },
  { " REQUIRETLS", SMTPPARAM_MAIL, SMTPPARAM_OK, "REQUIRETLS" },
  { " SIZE=10", SMTPPARAM_MAIL, SMTPPARAM_OK, "" },
  { " RET=ALL", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0 },
  { " RET=FULL RET=HDRS", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0 },
  { " ENVID=a+4", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0 },
  { " REQUIRETLS=yes", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0 },
  { " NOTIFY=NEVER", SMTPPARAM_MAIL, SMTPPARAM_UNKNOWN, 0 },
  { " NOTIFY=success,failure ORCPT=rfc822;joe+40example.com", SMTPPARAM_RCPT, SMTPPARAM_OK, "NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;joe+40example.com" },
  { " ORCPT=rfc822;a@b", SMTPPARAM_RCPT, SMTPPARAM_OK, "ORCPT=rfc822;a@b" },
  { " NOTIFY=NEVER,DELAY", SMTPPARAM_RCPT, SMTPPARAM_SYNTAX, 0 },
  { " ORCPT=rfc822;a+zz", SMTPPARAM_RCPT, SMTPPARAM_SYNTAX, 0 },
  { " RET=FULL", SMTPPARAM_RCPT, SMTPPARAM_UNKNOWN, 0 },
  { "", SMTPPARAM_RCPT, SMTPPARAM_OK, "" },
  { " ORCPT=utf-8;j\303\266rg@example.com", SMTPPARAM_RCPT, SMTPPARAM_OK, "ORCPT=utf-8;j\\x{F6}rg@example.com" },
  { " ORCPT=UTF-8;\360\237\230\200@\344\276\213.example", SMTPPARAM_RCPT, SMTPPARAM_OK, "ORCPT=UTF-8;\\x{1F600}@\\x{4F8B}.example" },
  { " ORCPT=rfc822;j\303\266rg@example.com", SMTPPARAM_RCPT, SMTPPARAM_SYNTAX, 0 },
  { " ORCPT=utf-8;a\300\200b", SMTPPARAM_RCPT, SMTPPARAM_SYNTAX, 0 },
  { " ORCPT=utf-8;a\355\240\200b", SMTPPARAM_RCPT, SMTPPARAM_SYNTAX, 0 },
  { " ORCPT=utf-8;a+b\303\266", SMTPPARAM_RCPT, SMTPPARAM_SYNTAX, 0 },
  { " NOTIFY=\303\266", SMTPPARAM_RCPT, SMTPPARAM_SYNTAX, 0 },
  { " ENVID=\303\266", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0 },
} ;

struct ecase { char const *name ; char const *s ; size_t len ; int code ; } ;
#define E(name, lit, code) { name, lit, sizeof(lit) - 1, code }
static struct ecase const ecases[] =
{
  E("E after F", "Fa@b\0ERET=HDRS ENVID=x\0Tc@d\0\0", 0),
  E("R after T", "Fa@b\0Tc@d\0RNOTIFY=NEVER\0Te@f\0\0", 0),
  E("E and R, unknown key kept", "Fa\0EREQUIRETLS FUTURE=1\0Tc\0RNOTIFY=SUCCESS ORCPT=rfc822;c\0\0", 0),
  E("two E records", "Fa\0Ex\0Ey\0Tc\0\0", QQ_ENVELOPE),
  E("two R records", "Fa\0Tc\0Rx\0Ry\0\0", QQ_ENVELOPE),
  E("R after F", "Fa\0Rx\0Tc\0\0", QQ_ENVELOPE),
  E("E after T", "Fa\0Tc\0Ex\0\0", QQ_ENVELOPE),
  E("control byte in E", "Fa\0Ex\ty\0Tc\0\0", QQ_ENVELOPE),
  E("8-bit byte in R", "Fa\0Tc\0Rx\303\251\0\0", QQ_ENVELOPE),
  E("control byte in a sender", "Fa\037b\0Tc\0\0", QQ_ENVELOPE),
  E("control byte in a recipient", "Fa\0Tc\nd\0\0", QQ_ENVELOPE),
  E("8-bit address still fine", "Fa\0Tj\303\266rg@b\0\0", 0),
} ;

static int scan (char const *s, size_t len, size_t chunk, int *code)
{
  envscan e = ENVSCAN_ZERO ;
  size_t i = 0 ;
  int done = 0 ;
  *code = 0 ;
  while (i < len && !done)
  {
    size_t n = len - i < chunk ? len - i : chunk ;
    if (envscan_feed(&e, s + i, n, &done, code) < 0) return -1 ;
    i += n ;
  }
  return done && i == len ? 0 : -2 ;
}

int main (void)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t nx = sizeof xcases / sizeof *xcases, nn = sizeof ncases / sizeof *ncases ;
  size_t no = sizeof ocases / sizeof *ocases, np = sizeof pcases / sizeof *pcases ;
  size_t ne = sizeof ecases / sizeof *ecases ;
  TAP_PLAN(nx + nn + no + np + 2 * ne + 11) ;
  for (size_t i = 0 ; i < nx ; i++)
  {
    int ok = xtext_ok(xcases[i].s, xcases[i].len) == xcases[i].ok ;
    sa.len = 0 ;
    if (ok && xcases[i].ok)
      ok = xtext_decode(&sa, xcases[i].s, xcases[i].len) && sa.len == strlen(xcases[i].dec) && !memcmp(sa.s, xcases[i].dec, sa.len) ;
    TAP_OK(ok, "xtext %s: %s", xcases[i].s, xcases[i].ok ? "valid, decoded" : "invalid") ;
  }
  for (size_t i = 0 ; i < nn ; i++)
  {
    unsigned int bits = 0 ;
    int r = envext_notify_scan(ncases[i].s, ncases[i].len, &bits) ;
    int ok = r == ncases[i].ok ;
    sa.len = 0 ;
    if (ok && r) ok = bits == ncases[i].bits && envext_notify_fmt(&sa, bits) && stralloc_0(&sa) && !strcmp(sa.s, ncases[i].fmt) ;
    TAP_OK(ok, "NOTIFY=%s: %s", ncases[i].s, r ? "valid" : "invalid") ;
  }
  for (size_t i = 0 ; i < no ; i++)
  {
    int ok = envext_orcpt_ok(ocases[i].s, ocases[i].len) == ocases[i].ok ;
    sa.len = 0 ;
    if (ok && ocases[i].ok)
      ok = envext_orcpt_decode(&sa, ocases[i].s, ocases[i].len) && sa.len == strlen(ocases[i].dec) && !memcmp(sa.s, ocases[i].dec, sa.len) ;
    TAP_OK(ok, "ORCPT=%s: %s", ocases[i].s, ocases[i].ok ? "valid, decoded" : "invalid") ;
  }
  for (size_t i = 0 ; i < np ; i++)
  {
    smtpparam p = SMTPPARAM_ZERO ;
    int r = smtpparam_parse(&p, pcases[i].s, strlen(pcases[i].s), pcases[i].verb) ;
    int ok = r == pcases[i].r ;
    sa.len = 0 ;
    if (ok && pcases[i].ext) ok = smtpparam_ext(&sa, &p, pcases[i].verb) && stralloc_0(&sa) && !strcmp(sa.s, pcases[i].ext) ;
    TAP_OK(ok, "%s%s: %d%s%s", pcases[i].verb == SMTPPARAM_MAIL ? "MAIL" : "RCPT", pcases[i].s, r, pcases[i].ext ? " -> " : "", pcases[i].ext ? pcases[i].ext : "") ;
  }
  for (size_t i = 0 ; i < ne ; i++)
    for (size_t chunk = 1 ; chunk <= 4096 ; chunk += 4095)
    {
      int code ;
      int r = scan(ecases[i].s, ecases[i].len, chunk, &code) ;
      TAP_OK(ecases[i].code ? r == -1 && code == ecases[i].code : r == 0, "envscan: %s (chunks of %zu)", ecases[i].name, chunk) ;
    }
  {
    static char rec[ENVEXT_MAX + 16] ;
    int code ;
    size_t n ;
    memcpy(rec, "Fa\0E", 4) ; memset(rec + 4, 'x', ENVEXT_MAX) ; memcpy(rec + 4 + ENVEXT_MAX, "\0\0", 2) ;
    n = 4 + ENVEXT_MAX + 2 ;
    TAP_OK(scan(rec, n, 4096, &code) == 0, "an E record of %d bytes is accepted", ENVEXT_MAX) ;
    memcpy(rec + 4 + ENVEXT_MAX, "x\0\0", 3) ;
    TAP_OK(scan(rec, n + 1, 4096, &code) == -1 && code == QQ_ENVELOPE, "one of %d bytes is refused (91)", ENVEXT_MAX + 1) ;
  }
  {
    char const *v ; size_t vlen ;
    char const p[] = "RET=HDRS ENVID=QQ314159 REQUIRETLS" ;
    TAP_OK(envext_get(p, sizeof p - 1, "ENVID", &v, &vlen) && vlen == 8 && !memcmp(v, "QQ314159", 8), "lookup: ENVID's value") ;
    TAP_OK(envext_get(p, sizeof p - 1, "requiretls", &v, &vlen) && !vlen, "lookup: a bare word, any case") ;
    TAP_OK(!envext_get(p, sizeof p - 1, "RE", &v, &vlen), "lookup: no prefix match") ;
    TAP_OK(envext_ret(p, sizeof p - 1) == ENVEXT_RET_HDRS && envext_ret("", 0) == ENVEXT_RET_NONE, "RET's value, absent") ;
    TAP_OK(envext_notify("NOTIFY=DELAY ORCPT=rfc822;a", 27) == ENVEXT_NOTIFY_DELAY && !envext_notify("ORCPT=rfc822;a", 14), "NOTIFY from an R record, absent") ;
  }
  {
    char const rp[] = "NOTIFY=NEVER\0\0ORCPT=rfc822;x" ;
    char const want[] = "Fs\0ERET=HDRS\0Ta\0RNOTIFY=NEVER\0Tb\0Tc\0RORCPT=rfc822;x\0\0" ;
    sa.len = 0 ;
    TAP_OK(qq_envelope_ext(&sa, "s", "RET=HDRS", "a\0b\0c\0", 6, rp) && sa.len == sizeof want - 1 && !memcmp(sa.s, want, sa.len),
      "qq_envelope_ext: E after F, R only after recipients with params") ;
    sa.len = 0 ;
    TAP_OK(qq_envelope_ext(&sa, "s", "", "a\0", 2, 0) && sa.len == 7 && !memcmp(sa.s, "Fs\0Ta\0\0", 7), "no params: plain qmail envelope") ;
  }
  TAP_OK(envext_writable(0, 0) && envext_writable("/x/bin/berth-queue", 0) && envext_writable("/x/berth-milter", "0")
    && !envext_writable("/var/qmail/bin/qmail-queue", 0) && envext_writable("/usr/bin/filter", "1"), "writable: berth's programs, or QMAILQUEUE_EXT=1") ;
  TAP_OK(envext_ok(S("RET=HDRS ENVID=x")) && !envext_ok(S("a\tb")) && !envext_ok(S("a\177")), "record syntax: printable ASCII and spaces") ;
  stralloc_free(&sa) ;
  return 0 ;
}
