/* ISC license. */
/* addr_quote_smtp (what berth-remote writes in MAIL FROM and RCPT TO) against berth-smtpd's own
   parser: every local part berth-smtpd can store comes back byte for byte, the injection
   examples stay one address, and what no quoted string can hold is refused. */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/addrquote.h>
#include <berth/smtpaddr.h>
#include "tap.h"

#define DOMAIN "@relay.example"

/* local parts; each is quoted with DOMAIN, parsed back and compared */
static char const *const locals[] =
{
  "joe", "a.b+c-d=e", "victim> ORCPT=rfc822;x", "a b", "q\"t", "<postmaster>", "a\\b",
  "\\", "\"", " ", ".joe", "joe.", "jo..e", "a@b", "a@b@c", "x>\r", "tab\there", "~!#$%&'*+/=?^_`{|}",
  "(comment)", "a,b", "a:b", "a;b", "[x]", "victim@relay.example> NOTIFY=NEVER",
  "j\xc3\xbcrgen", "\xc3\xa9 \xc3\xa9", "\"\\\"\\\\",
} ;

struct rcase { char const *in ; char const *out ; } ;
static struct rcase const exact[] =
{
  { "victim> ORCPT=rfc822;x@relay.example", "\"victim> ORCPT=rfc822;x\"@relay.example" },
  { "q\"t@relay.example", "\"q\\\"t\"@relay.example" },
  { "<postmaster>@relay.example", "\"<postmaster>\"@relay.example" },
  { "j\xc3\xbcrgen@b\xc3\xa4r.example", "j\xc3\xbcrgen@b\xc3\xa4r.example" },
  { "#@[]", "#@[]" },
  { "", "" },
  { "nodomain", "nodomain" },
} ;

/* no quoted string can hold these: refused, nothing written */
static char const *const refused[] =
{
  "a\rb@x.example", "a\nb@x.example", "a\r\nRCPT TO:<b@x.example", "nul\x01@x.example", "del\x7f@x.example",
  "a@x.example> NOTIFY=NEVER", "a@x.example\r\nRSET", "a@<x>", "a@x\\y", "a@x\"y",
} ;

int main (void)
{
  size_t nl = sizeof locals / sizeof *locals, ne = sizeof exact / sizeof *exact, nr = sizeof refused / sizeof *refused ;
  TAP_PLAN(nl + ne + nr) ;
  for (size_t i = 0 ; i < nl ; i++)
  {
    stralloc in = STRALLOC_ZERO, w = STRALLOC_ZERO, back = STRALLOC_ZERO ;
    smtpaddr a = SMTPADDR_ZERO ;
    int ok = stralloc_cats(&in, locals[i]) && stralloc_cats(&in, DOMAIN) && stralloc_0(&in)
          && stralloc_catb(&w, "<", 1) && addr_quote_smtp(&w, in.s) && stralloc_catb(&w, ">", 1) ;
    ssize_t r = ok ? smtpaddr_parse(&back, &a, w.s, w.len) : 0 ;
    int cr = !!strpbrk(locals[i], "\r\t") ;   /* control bytes: refused by both sides */
    if (cr) TAP_OK(!ok && errno == EINVAL, "refused local part %zu", i) ;
    else TAP_OK(ok && r == (ssize_t)w.len && back.len == in.len - 1 && !memcmp(back.s, in.s, back.len) && a.at == strlen(locals[i]),
      "round trip %s -> %.*s", in.s, (int)w.len, w.s) ;
    stralloc_free(&in) ; stralloc_free(&w) ; stralloc_free(&back) ;
  }
  for (size_t i = 0 ; i < ne ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    int r = addr_quote_smtp(&sa, exact[i].in) ;
    TAP_OK(r && sa.len == strlen(exact[i].out) && (!sa.len || !memcmp(sa.s, exact[i].out, sa.len)), "quote %s", exact[i].in) ;
    stralloc_free(&sa) ;
  }
  for (size_t i = 0 ; i < nr ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    int r = addr_quote_smtp(&sa, refused[i]) ;
    TAP_OK(!r && errno == EINVAL && !sa.len, "refuse %zu", i) ;
    stralloc_free(&sa) ;
  }
  return TAP_DONE() ;
}
