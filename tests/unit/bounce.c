/* ISC license. */
/* Table-driven tests of berth-bounce's parsing: enhanced status codes, diagnostic texts,
   bounce records, bounce queue ids and line folding. */

#include <string.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/dsn.h>
#include "tap.h"

struct scase { char const *text ; char const *status ; int found ; } ;
static struct scase const statuses[] =
{
  { "Sorry, no mailbox here by that name. (#5.1.1)", "5.1.1", 1 },
  { "Remote host said: 550 5.1.1 <x@y>... User unknown", "5.1.1", 1 },
  { "Connected to 1.2.3.4 but recipient was rejected./Remote host said: 550 5.7.1 Relaying denied", "5.7.1", 1 },
  { "Remote host said: 550-5.7.26 multi-line reply", "5.7.26", 1 },
  { "Remote host said: 554 Transaction failed", "5.0.0", 0 },
  { "Sorry. I'm not going to try again; this message has been in the queue too long. (#4.4.1)", "5.4.1", 1 },
  { "Remote host said: 452 4.2.2 Mailbox full", "5.2.2", 1 },
  { "Remote host said: 250 2.0.0 Ok", "5.0.0", 0 },
  { "Connected to 192.0.2.7 but connection died. (#4.4.2)", "5.4.2", 1 },
  { "This message is looping: it already has my Delivered-To line. (#5.4.6)", "5.4.6", 1 },
  { "mailbox 5.1.1 in text without a reply code", "5.0.0", 0 },
  { "Connected to 192.0.2.7 but sender was rejected.", "5.0.0", 0 },
  { "#5.1234.1 subject too long", "5.0.0", 0 },
  { "(#5.1.1.2) four parts", "5.0.0", 0 },
  { "(#3.1.1) bad class", "5.0.0", 0 },
  { "(#5.1.) truncated", "5.0.0", 0 },
  { "", "5.0.0", 0 },
  { "#", "5.0.0", 0 },
  { "qmail first: (#5.1.2) then Remote host said: 550 5.7.1 x", "5.1.2", 1 },
  { "Remote host said: 550 5.3.4 message too big. (#5.3.4)", "5.3.4", 1 },
  { "a 1550 5.1.1 code glued to digits", "5.0.0", 0 },
  { "Remote host said: 550 5.999.999 max", "5.999.999", 1 },
} ;

struct dcase { char const *text ; char const *host ; char const *reply ; } ;
static struct dcase const diags[] =
{
  { "Sorry, no mailbox here by that name. (#5.1.1)", "", "" },
  { "Remote host said: 550 5.1.1 <x@y>... User unknown", "", "550 5.1.1 <x@y>... User unknown" },
  { "Connected to 192.0.2.7 but recipient was rejected./Remote host said: 550 5.7.1 no", "192.0.2.7", "550 5.7.1 no" },
  { "Connected to mx.example.org but connection died. Possible duplicate! (#4.4.2)", "mx.example.org", "" },
  { "Connected to 192.0.2.7.", "192.0.2.7", "" },
  { "192.0.2.9 does not like recipient./Remote host said: 550 no such user", "192.0.2.9", "550 no such user" },
  { "host mx1.example.net[192.0.2.1] said: 554 5.7.1 spam", "mx1.example.net[192.0.2.1]", "554 5.7.1 spam" },
  { "Connected to [2001:db8::1] but sender was rejected./Remote host said: 553 bad sender  ", "[2001:db8::1]", "553 bad sender" },
  { "Remote host said:    ", "", "" },
  { "Sorry, I couldn't find any host named nowhere.example. (#5.1.2)", "", "" },
  { "", "", "" },
  { "|myprog said: no thanks (#5.0.0)", "", "" },
  { "The program said: x/Remote host said: 550 no", "", "550 no" },
  { "Remote host said: 550 he said: no", "", "550 he said: no" },
} ;

#define R(s) s, sizeof(s) - 1
struct rcase { char const *name ; char const *in ; size_t inlen ; int n ; char const *addr1 ; char const *text1 ; unsigned long when1 ; char st1 ; } ;
static struct rcase const recs[] =
{
  { "two records", R("Ra@b\0SD\0T100\0Xno (#5.1.1)\0\0Rc@d\0SD\0T200\0Xbad\0\0"), 2, "c@d", "bad", 200, 'D' },
  { "one record", R("Ra@b\0SD\0T7\0Xtext\0\0"), 1, "a@b", "text", 7, 'D' },
  { "truncated second record ignored", R("Ra@b\0SD\0T7\0Xtext\0\0Rc@d\0SD\0T8\0Xcut"), 1, "a@b", "text", 7, 'D' },
  { "record without the final empty field ignored", R("Ra@b\0SD\0T7\0Xtext\0"), 0, "", "", 0, 0 },
  { "empty file", R(""), 0, "", "", 0, 0 },
  { "record without R ignored", R("SD\0Xtext\0\0Ra@b\0Xt\0\0"), 1, "a@b", "t", 0, 0 },
  { "unknown fields and a bad time ignored", R("Qzz\0Ra@b\0T12x\0SD\0Xt\0\0"), 1, "a@b", "t", 0, 'D' },
  { "empty sender-like recipient kept", R("R\0SD\0T1\0Xt\0\0"), 1, "", "t", 1, 'D' },
} ;

struct icase { char const *id ; unsigned int minb, maxb ; int ok ; } ;
static struct icase const ids[] =
{
  { "1795384346.123456.789", 0, 2, 1 },
  { "1795384346.123456.789B", 1, 2, 1 },
  { "1795384346.123456.789BB", 1, 2, 1 },
  { "1795384346.123456.789BBB", 1, 2, 0 },
  { "1795384346.123456.789", 1, 2, 0 },
  { "../x", 0, 2, 0 },
  { ".B", 1, 2, 0 },
  { "B", 1, 2, 0 },
  { "", 0, 2, 0 },
  { "1/2B", 1, 2, 0 },
  { "1.2B3", 1, 2, 0 },
  { "1.2b", 1, 2, 0 },
  { "12345678901234567890123456789012345678901234567B", 1, 2, 0 },
} ;

static int lines_ok (stralloc const *sa, size_t width, size_t *nlines)
{
  size_t start = 0 ;
  *nlines = 0 ;
  if (!sa->len || sa->s[sa->len - 1] != '\n') return 0 ;
  for (size_t i = 0 ; i < sa->len ; i++) if (sa->s[i] == '\n')
  {
    if (i - start > width) return 0 ;
    start = i + 1 ; (*nlines)++ ;
  }
  return 1 ;
}

/* Removes the folding: newline + cont becomes nothing, so words must come back joined by spaces. */
static int same_words (stralloc const *sa, char const *first, char const *s, char const *cont)
{
  char a[8192], b[8192] ;
  size_t na = 0, nb = 0, fl = strlen(first), cl = strlen(cont) ;
  for (size_t i = fl ; i < sa->len ; i++)
  {
    if (sa->s[i] == '\n') { if (i + 1 < sa->len) { i += cl ; a[na++] = ' ' ; } continue ; }
    a[na++] = sa->s[i] ;
  }
  for (size_t i = 0 ; s[i] ; i++) if (s[i] != ' ' || (nb && b[nb-1] != ' ')) b[nb++] = s[i] ;
  while (nb && b[nb-1] == ' ') nb-- ;
  /* a split word may have gained a space: compare ignoring spaces */
  {
    size_t i = 0, j = 0 ;
    for (;;)
    {
      while (i < na && a[i] == ' ') i++ ;
      while (j < nb && b[j] == ' ') j++ ;
      if (i == na || j == nb) return i == na && j == nb ;
      if (a[i++] != b[j++]) return 0 ;
    }
  }
}

int main (void)
{
  size_t ns = sizeof statuses / sizeof *statuses, nd = sizeof diags / sizeof *diags ;
  size_t nr = sizeof recs / sizeof *recs, ni = sizeof ids / sizeof *ids ;
  char longword[2100], longtext[3000] ;
  TAP_PLAN(ns + nd + nr + ni + 7) ;

  for (size_t i = 0 ; i < ns ; i++)
  {
    char out[DSN_STATUS_MAX] ;
    int f = dsn_status(out, statuses[i].text, strlen(statuses[i].text)) ;
    TAP_OK(f == statuses[i].found && !strcmp(out, statuses[i].status), "status %s from \"%s\" (got %s)", statuses[i].status, statuses[i].text, out) ;
  }
  for (size_t i = 0 ; i < nd ; i++)
  {
    dsn_diag d = DSN_DIAG_ZERO ;
    char const *t = diags[i].text ;
    dsn_diag_parse(&d, t, strlen(t)) ;
    TAP_OK(d.hostlen == strlen(diags[i].host) && !memcmp(t + d.host, diags[i].host, d.hostlen)
        && d.replylen == strlen(diags[i].reply) && !memcmp(t + d.reply, diags[i].reply, d.replylen),
      "diag \"%s\": host \"%s\" reply \"%s\" (got \"%.*s\", \"%.*s\")", t, diags[i].host, diags[i].reply,
      (int)d.hostlen, t + d.host, (int)d.replylen, t + d.reply) ;
  }
  for (size_t i = 0 ; i < nr ; i++)
  {
    genalloc ga = GENALLOC_ZERO ;
    int n = dsn_records_parse(&ga, recs[i].in, recs[i].inlen) ;
    int good = n == recs[i].n ;
    if (good && n)
    {
      dsn_rcpt const *r = genalloc_s(dsn_rcpt, &ga) + n - 1 ;
      good = r->addrlen == strlen(recs[i].addr1) && !memcmp(recs[i].in + r->addr, recs[i].addr1, r->addrlen)
        && r->textlen == strlen(recs[i].text1) && !memcmp(recs[i].in + r->text, recs[i].text1, r->textlen)
        && r->when == recs[i].when1 && r->status == recs[i].st1 ;
    }
    TAP_OK(good, "records: %s (%d)", recs[i].name, n) ;
    genalloc_free(dsn_rcpt, &ga) ;
  }
  for (size_t i = 0 ; i < ni ; i++)
    TAP_OK(dsn_queueid_ok(ids[i].id, ids[i].minb, ids[i].maxb) == ids[i].ok, "queue id \"%s\" B in %u..%u: %s", ids[i].id, ids[i].minb, ids[i].maxb, ids[i].ok ? "ok" : "refused") ;

  {
    stralloc sa = STRALLOC_ZERO ;
    size_t nl ;
    char const *t = "Connected to 192.0.2.7 but recipient was rejected./Remote host said: 550 5.7.1 <z@remote.example>... Relaying denied by policy of the receiving host today" ;
    dsn_fold(&sa, "Diagnostic-Code: ", t, strlen(t), " ", DSN_FOLD_WIDTH) ;
    TAP_OK(lines_ok(&sa, DSN_FOLD_WIDTH, &nl) && nl == 3 && same_words(&sa, "Diagnostic-Code: ", t, " "), "fold: a long diagnostic in lines of at most 78 (%zu lines)", nl) ;
    sa.len = 0 ;
    dsn_fold(&sa, "X: ", "short", 5, " ", DSN_FOLD_WIDTH) ;
    TAP_OK(sa.len == 9 && !memcmp(sa.s, "X: short\n", 9), "fold: a short value stays on one line") ;
    memset(longword, 'w', sizeof longword - 1) ; longword[sizeof longword - 1] = 0 ;
    sa.len = 0 ;
    dsn_fold(&sa, "Diagnostic-Code: ", longword, strlen(longword), " ", DSN_FOLD_WIDTH) ;
    TAP_OK(lines_ok(&sa, DSN_LINE_MAX, &nl) && nl == 3 && same_words(&sa, "Diagnostic-Code: ", longword, " "), "fold: a 2099-byte word is split into lines of at most 998 (%zu lines)", nl) ;
    for (size_t i = 0 ; i < sizeof longtext - 1 ; i++) longtext[i] = i % 11 == 10 ? ' ' : 'a' + i % 26 ;
    longtext[sizeof longtext - 1] = 0 ;
    sa.len = 0 ;
    dsn_fold(&sa, "", longtext, strlen(longtext), "", DSN_LINE_MAX) ;
    TAP_OK(lines_ok(&sa, DSN_LINE_MAX, &nl) && nl == 4 && same_words(&sa, "", longtext, ""), "fold: width 998 folds a 3000-byte text only where needed (%zu lines)", nl) ;
    sa.len = 0 ;
    dsn_fold(&sa, "A: ", "   ", 3, " ", DSN_FOLD_WIDTH) ;
    TAP_OK(sa.len == 4 && !memcmp(sa.s, "A: \n", 4), "fold: blank value") ;
    sa.len = 0 ;
    dsn_clean(&sa, "a\tb\001c\303\251d\177", 9, 0) ;
    TAP_OK(sa.len == 9 && !memcmp(sa.s, "a b c??d ", 9), "clean: controls become spaces, 8-bit becomes ?") ;
    sa.len = 0 ;
    dsn_clean(&sa, "\303\251\n", 3, 1) ;
    TAP_OK(sa.len == 3 && !memcmp(sa.s, "\303\251 ", 3), "clean: 8-bit kept on request") ;
    stralloc_free(&sa) ;
  }
  return TAP_DONE() ;
}
