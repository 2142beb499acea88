/* ISC license. */
/* Table-driven tests of control-file parsing, qmail-queue texts and dates. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/control.h>
#include <berth/date822.h>
#include <berth/qq.h>
#include <berth/queue.h>
#include "tap.h"

struct lcase { char const *name ; char const *in ; size_t inlen ; char const *out ; size_t outlen ; } ;
#define L(name, in, out) { name, in, sizeof(in) - 1, out, sizeof(out) - 1 }

static struct lcase const lines[] =
{
  L("plain lines", "a\nb\n", "a\0b\0"),
  L("comments and blanks skipped", "# c\n\na\n#x\n", "a\0"),
  L("trailing space, tab, CR stripped", "a \t\r\nb\t\n", "a\0b\0"),
  L("leading space kept", " a\n", " a\0"),
  L("no final newline", "a\nb", "a\0b\0"),
  L("empty file", "", ""),
  L("a line with a NUL is dropped whole (fuzz finding)", "a\0b\nc\n", "c\0"),
} ;

struct qcase { int code ; char const *text ; } ;
static struct qcase const qq[] =
{
  { 11, "Denvelope address too long for qq (#5.1.3)" },
  { 31, "Dmail server permanently rejected message (#5.3.0)" },
  { 53, "Zqq write error or disk full (#4.3.0)" },
  { 54, "Zqq read error (#4.3.0)" },
  { 64, "Zqq trouble creating files in queue (#4.3.0)" },
  { 71, "Zmail server temporarily rejected message (#4.3.0)" },
  { 91, "Zqq internal bug (#4.3.0)" },
  { 25, "Dqq permanent problem (#5.3.0)" },
  { 99, "Zqq temporary problem (#4.3.0)" },
} ;

struct dcase { long t ; char const *s ; } ;
static struct dcase const dates[] =
{
  { 0, "Thu, 1 Jan 1970 00:00:00 +0000" },
  { 1795384346, "Sun, 22 Nov 2026 21:52:26 +0000" },
  { 951782400, "Tue, 29 Feb 2000 00:00:00 +0000" },
} ;

int main (void)
{
  size_t nl = sizeof lines / sizeof *lines, nq = sizeof qq / sizeof *qq, nd = sizeof dates / sizeof *dates ;
  TAP_PLAN(nl + nq + nd + 1 + 12) ;
  for (size_t i = 0 ; i < nl ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    int r = control_parselines(&sa, lines[i].in, lines[i].inlen) ;
    TAP_OK(r && sa.len == lines[i].outlen && (!sa.len || !memcmp(sa.s, lines[i].out, sa.len)), "lines: %s", lines[i].name) ;
    stralloc_free(&sa) ;
  }
  for (size_t i = 0 ; i < nq ; i++)
    TAP_OK(!strcmp(qq_text(qq[i].code), qq[i].text), "qq text for %d", qq[i].code) ;
  for (size_t i = 0 ; i < nd ; i++)
  {
    char buf[DATE822_FMT + 1] ;
    size_t n = date822_fmt(buf, (time_t)dates[i].t) ;
    buf[n] = 0 ;
    TAP_OK(!strcmp(buf, dates[i].s), "date %ld is %s (got %s)", dates[i].t, dates[i].s, buf) ;
  }
  {
    static struct { char const *id ; int ok ; } const ids[] =
    {
      { "1795384346.000007.42", 1 }, { "1.2.3B", 1 }, { "1.2.3BB", 1 }, { "1.2.3BBB", 0 }, { "1.2.3D", 1 }, { "1.2.3DB", 1 },
      { "", 0 }, { ".1", 0 }, { "1/2", 0 }, { "../x", 0 }, { "1B2", 0 }, { "B", 0 },
    } ;
    for (size_t i = 0 ; i < sizeof ids / sizeof *ids ; i++)
      TAP_OK(queue_id_ok(ids[i].id) == ids[i].ok, "queue_id_ok(\"%s\") is %d", ids[i].id, ids[i].ok) ;
  }
  {
    char id[QUEUE_ID_MAX] ;
    queue_id_fmt(id, 1795384346, 7, 42) ;
    TAP_OK(!strcmp(id, "1795384346.000007.42"), "queue id format (%s)", id) ;
  }
  return TAP_DONE() ;
}
