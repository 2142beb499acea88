/* ISC license. */
/* berth's log quoting rule: logfield_cat and logfield_catq written, logfield_scan read back, for
   every byte value; lines that break the rule are refused. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/logfield.h>
#include "tap.h"

struct bad { char const *name ; char const *s ; } ;
static struct bad const bads[] =
{
  { "no leading space", "a=b" },
  { "no =", " ab" },
  { "empty key", " =b" },
  { "upper-case key", " A=b" },
  { "a quote inside a word", " a=b\"c" },
  { "an = inside a word", " a=b=c" },
  { "an unterminated quote", " a=\"bc" },
  { "a short escape", " a=\\x4" },
  { "an escape that is not \\x", " a=\\y41" },
  { "upper-case hex", " a=\\x4A" },
  { "bytes after a quote", " a=\"b\"c" },
  { "two spaces", " a=b  c=d" },
} ;

int main (void)
{
  size_t nb = sizeof bads / sizeof *bads ;
  char all[256] ;
  stralloc line = STRALLOC_ZERO, v = STRALLOC_ZERO ;
  logfield_kv kv ;
  size_t pos = 0 ;
  int r1, r2, r3, r0 ;
  TAP_PLAN(5 + nb) ;
  for (unsigned int i = 0 ; i < 256 ; i++) all[i] = (char)i ;
  if (!stralloc_cats(&line, "berth-x:") || !logfield_cat(&line, "word", all, 256)
   || !logfield_catq(&line, "text", all, 256) || !logfield_cat(&line, "empty", "", 0)) return 111 ;
  pos = 8 ;
  r1 = logfield_scan(line.s, line.len, &pos, &kv, &v) ;
  TAP_OK(r1 == 1 && kv.keylen == 4 && !memcmp(kv.key, "word", 4) && v.len == 256 && !memcmp(v.s, all, 256), "a word: every byte value back") ;
  r2 = logfield_scan(line.s, line.len, &pos, &kv, &v) ;
  TAP_OK(r2 == 1 && kv.keylen == 4 && !memcmp(kv.key, "text", 4) && v.len == 256 && !memcmp(v.s, all, 256), "a quoted text: every byte value back") ;
  r3 = logfield_scan(line.s, line.len, &pos, &kv, &v) ;
  TAP_OK(r3 == 1 && kv.keylen == 5 && !v.len, "an empty value") ;
  r0 = logfield_scan(line.s, line.len, &pos, &kv, &v) ;
  TAP_OK(r0 == 0 && pos == line.len, "then the end of the line") ;
  {
    static char const q[] = " text=\"a b=c status=sent\" x=1" ;
    size_t p = 0 ;
    int a = logfield_scan(q, sizeof q - 1, &p, &kv, &v) ;
    TAP_OK(a == 1 && v.len == 17 && !memcmp(v.s, "a b=c status=sent", 17) && logfield_scan(q, sizeof q - 1, &p, &kv, &v) == 1 && kv.key[0] == 'x',
      "spaces and = inside quotes are the text's") ;
  }
  for (size_t i = 0 ; i < nb ; i++)
  {
    size_t p = 0 ;
    int r = 1 ;
    while (r == 1) r = logfield_scan(bads[i].s, strlen(bads[i].s), &p, &kv, &v) ;
    TAP_OK(r == -1, "refused: %s", bads[i].name) ;
  }
  stralloc_free(&line) ;
  stralloc_free(&v) ;
  return TAP_DONE() ;
}
