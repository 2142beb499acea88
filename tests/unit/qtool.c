/* ISC license. */
/* Table-driven tests of the queue tools' helpers: JSON strings (qtool_json_str), durations
   (qtool_dur_fmt) and message selection (qtool_match). */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/allreadwrite.h>
#include <berth/qtool.h>
#include "tap.h"

struct jcase { char const *in ; size_t len ; char const *out ; } ;
static struct jcase const js[] =
{
  { "a@b.example", 11, "\"a@b.example\"" },
  { "q\"b\\s", 5, "\"q\\\"b\\\\s\"" },
  { "t\tn\nc\x01" "d\x7f", 8, "\"t\\u0009n\\u000ac\\u0001d\\u007f\"" },
  { "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },                 /* valid UTF-8 kept */
  { "\xe2\x82\xac\xf0\x9f\x98\x80", 7, "\"\xe2\x82\xac\xf0\x9f\x98\x80\"" },
  { "caf\xe9", 4, "\"caf\\u00e9\"" },                      /* Latin-1 byte escaped */
  { "\xc0\xaf", 2, "\"\\u00c0\\u00af\"" },                 /* overlong */
  { "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"" },      /* surrogate */
  { "\xe2\x82", 2, "\"\\u00e2\\u0082\"" },                 /* truncated */
  { "a\0b", 3, "\"a\\u0000b\"" },
  { "", 0, "\"\"" },
} ;

struct dcase { uint64_t s ; char const *out ; } ;
static struct dcase const ds[] =
{
  { 0, "0s" }, { 59, "59s" }, { 60, "1m00s" }, { 3599, "59m59s" }, { 3600, "1h00m" },
  { 86399, "23h59m" }, { 86400, "1d00h" }, { 90061, "1d01h" }, { 864000, "10d00h" },
} ;

struct mcase { char kind ; char const *pat ; int match ; } ;
static struct mcase const ms[] =
{
  { 'f', "a@x.example", 1 }, { 'f', "A@X.EXAMPLE", 1 }, { 'f', "b@x.example", 0 },
  { 'r', "r1@far.example", 1 }, { 'r', "R2@Sub.Far.Example", 1 }, { 'r', "r3@far.example", 0 },
  { 'd', "far.example", 1 }, { 'd', "FAR.example", 1 }, { 'd', "sub.far.example", 1 },
  { 'd', ".far.example", 1 }, { 'd', "ar.example", 0 }, { 'd', ".example", 1 }, { 'd', "x.example", 0 },
} ;

int main (void)
{
  size_t nj = sizeof js / sizeof *js, nd = sizeof ds / sizeof *ds, nm = sizeof ms / sizeof *ms ;
  TAP_PLAN(nj + nd + nm) ;
  for (size_t i = 0 ; i < nj ; i++)
  {
    int p[2] ;
    char buf[256], out[256] ;
    buffer b ;
    ssize_t r ;
    if (pipe(p) < 0) return 111 ;
    buffer_init(&b, &buffer_write, p[1], buf, sizeof buf) ;
    r = qtool_json_str(&b, js[i].in, js[i].len) ;
    buffer_flush(&b) ;
    close(p[1]) ;
    r = r < 0 ? -1 : read(p[0], out, sizeof out - 1) ;
    close(p[0]) ;
    if (r >= 0) out[r] = 0 ;
    TAP_OK(r >= 0 && !strcmp(out, js[i].out), "json %zu: %s", i, r >= 0 ? out : "(error)") ;
  }
  for (size_t i = 0 ; i < nd ; i++)
  {
    char s[QTOOL_DUR_FMT] ;
    size_t n = qtool_dur_fmt(s, ds[i].s) ;
    TAP_OK(n == strlen(ds[i].out) && !strcmp(s, ds[i].out), "duration %llu: %s", (unsigned long long)ds[i].s, s) ;
  }
  {
    qtool_msg m = QTOOL_MSG_ZERO ;
    static char const data[] = "a@x.example\0r1@far.example\0r2@sub.far.example" ;
    qtool_rcpt r1 = { .addr = 12, .mark = 'T', .chan = 'R' }, r2 = { .addr = 27, .mark = 'D', .chan = 'R' } ;
    if (!stralloc_catb(&m.data, data, sizeof data) || !genalloc_append(qtool_rcpt, &m.rcpts, &r1)
     || !genalloc_append(qtool_rcpt, &m.rcpts, &r2)) return 111 ;
    for (size_t i = 0 ; i < nm ; i++)
      TAP_OK(qtool_match(&m, ms[i].kind, ms[i].pat) == ms[i].match, "match %c %s", ms[i].kind, ms[i].pat) ;
    qtool_msg_free(&m) ;
  }
  return TAP_DONE() ;
}
