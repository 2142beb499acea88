/* ISC license. */
/* Table-driven tests of qmail-send's recipient classification (rewrite_rcpt). */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/rewrite.h>
#include "tap.h"

struct rcase { char const *in ; int chan ; char const *out ; } ;
static struct rcase const cases[] =
{
  { "bob", 'L', "bob@me.example" },
  { "bob@me.example", 'L', "bob@me.example" },
  { "bob@ME.Example", 'L', "bob@ME.Example" },
  { "bob@far.example", 'R', "bob@far.example" },
  { "u%far.example@me.example", 'R', "u@far.example" },
  { "u%a%b.example@hack.example", 'R', "u%a@b.example" },
  { "u%x@hack.example", 'L', "u@x" },
  { "jo@virt.example", 'L', "pv-jo@virt.example" },
  { "exact@virt.example", 'L', "px-exact@virt.example" },
  { "a@deep.sub.example", 'L', "ps-a@deep.sub.example" },
  { "a@x.sub.example", 'L', "ps-a@x.sub.example" },
  { "a@notvirt.example", 'R', "a@notvirt.example" },
  { "a@x.deeper.sub.example", 'L', "pd-a@x.deeper.sub.example" },
  { "a@deeper.sub.example", 'L', "ps-a@deeper.sub.example" },
} ;

static void setlines (stralloc *sa, char const *s, size_t len)
{
  stralloc_copyb(sa, s, len) ;
}

int main (void)
{
  size_t n = sizeof cases / sizeof *cases ;
  rewrite rw = REWRITE_ZERO ;
  rewrite rw2 = REWRITE_ZERO ;
  stralloc out = STRALLOC_ZERO ;
  TAP_PLAN(n + 3) ;
  stralloc_copyb(&rw.envnoathost, "me.example", 11) ;
  setlines(&rw.locals, "me.example\0x\0", 14) ;
  setlines(&rw.percenthack, "me.example\0hack.example\0", 25) ;
  {
    static char const v[] = "virt.example:pv\0exact@virt.example:px\0.sub.example:ps\0notvirt.example:\0.deeper.sub.example:pd\0" ;
    setlines(&rw.vdoms, v, sizeof v - 1) ;
  }
  for (size_t i = 0 ; i < n ; i++)
  {
    int r = rewrite_rcpt(&out, cases[i].in, &rw) ;
    TAP_OK(r == cases[i].chan && !strcmp(out.s, cases[i].out), "%s -> %c %s (got %c %s)", cases[i].in, cases[i].chan, cases[i].out, r ? r : '0', r ? out.s : "") ;
  }
  stralloc_copyb(&rw2.envnoathost, "h.example", 10) ;
  TAP_OK(rewrite_rcpt(&out, "x", &rw2) == 'R' && !strcmp(out.s, "x@h.example"), "no locals: remote") ;
  setlines(&rw2.vdoms, "h.example:\0:all\0", 16) ;
  TAP_OK(rewrite_rcpt(&out, "y@h.example", &rw2) == 'R', "empty prepend means not virtual") ;
  TAP_OK(rewrite_rcpt(&out, "y@else.example", &rw2) == 'L' && !strcmp(out.s, "all-y@else.example"), "empty key catches the rest") ;
  return TAP_DONE() ;
}
