/* ISC license. */
/* Table-driven tests of addr_quote (qmail's quote2, used for Return-Path). */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/addrquote.h>
#include "tap.h"

struct qcase { char const *in ; char const *out ; } ;
static struct qcase const cases[] =
{
  { "", "" },
  { "joe@example.org", "joe@example.org" },
  { "a.b+c-d=e@x", "a.b+c-d=e@x" },
  { "joe smith@x", "\"joe smith\"@x" },
  { ".joe@x", "\".joe\"@x" },
  { "joe.@x", "\"joe.\"@x" },
  { "jo..e@x", "\"jo..e\"@x" },
  { "a\"b@x", "\"a\\\"b\"@x" },
  { "a\\b@x", "\"a\\\\b\"@x" },
  { "a@b@x", "\"a@b\"@x" },
  { "nodomain", "nodomain" },
  { "no domain", "\"no domain\"" },
  { "#@[]", "#@[]" },
  { "\xc3\xa9@x", "\"\xc3\xa9\"@x" },
  { "@x", "\"\"@x" },
} ;

int main (void)
{
  size_t n = sizeof cases / sizeof *cases ;
  TAP_PLAN(n) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    int r = addr_quote(&sa, cases[i].in) ;
    TAP_OK(r && sa.len == strlen(cases[i].out) && !memcmp(sa.s, cases[i].out, sa.len), "quote %s", cases[i].in) ;
    stralloc_free(&sa) ;
  }
  return TAP_DONE() ;
}
