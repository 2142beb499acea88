/* ISC license. */
/* Table-driven tests of rfc5322_addrlist (berth-inject's header recipient parser) and of
   rfc5322_field / rfc5322_nameis. */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/rfc5322.h>
#include "tap.h"

struct acase { char const *name ; char const *in ; size_t inlen ; int n ; char const *out ; size_t outlen ; } ;
#define A(name, in, n, out) { name, in, sizeof(in) - 1, n, out, sizeof(out) - 1 }
#define BAD(name, in) { name, in, sizeof(in) - 1, -1, "", 0 }

static struct acase const cases[] =
{
  A("one bare address", " a@b.example", 1, "a@b.example\0"),
  A("empty field body (fuzz finding: null token array)", "", 0, ""),
  A("blank field body", "  ", 0, ""),
  A("two addresses", " a@b, c@d", 2, "a@b\0c@d\0"),
  A("display name", " Joe Q. Public <john.q.public@example.com>", 1, "john.q.public@example.com\0"),
  A("quoted display name with comma", " \"Doe, Jane\" <jane@x.example>, b@y", 2, "jane@x.example\0b@y\0"),
  A("comments everywhere", " (c1) a (c2) @ (c3) b . example (c4) , c@d (Carl (nested) \\) )", 2, "a@b.example\0c@d\0"),
  A("comment as display name", " a@b (Alice Example)", 1, "a@b\0"),
  A("quoted local part unquoted", " \"john doe\"@example.com", 1, "john doe@example.com\0"),
  A("quoted pair in local part", " \"a\\\"b\"@c", 1, "a\"b@c\0"),
  A("empty group", " undisclosed-recipients:;", 0, ""),
  A("group with members", " team: a@b, Bob <c@d>; , e@f", 3, "a@b\0c@d\0e@f\0"),
  A("group name with spaces", " Undisclosed recipients: ;", 0, ""),
  A("route dropped", " <@relay1.example,@relay2.example:user@host.example>", 1, "user@host.example\0"),
  A("null address", " <>", 1, "\0"),
  A("no domain", " joe", 1, "joe\0"),
  A("domain literal", " a@[192.0.2.1]", 1, "a@[192.0.2.1]\0"),
  A("folded CRLF", " a@b,\r\n\tc@d,\r\n  Name\r\n <e@f>", 3, "a@b\0c@d\0e@f\0"),
  A("folded LF inside quoted name", " \"Long\n Name\" <x@y>", 1, "x@y\0"),
  A("folded inside quoted local part", " \"a\r\n b\"@c", 1, "a b@c\0"),
  A("8-bit display name", " J\xc3\xb6rg <j@x>", 1, "j@x\0"),
  A("8-bit quoted name", " \"M\xc3\xbcller\" <m@x>", 1, "m@x\0"),
  A("empty list", "  ", 0, ""),
  A("empty members", " a@b, , ,c@d,", 2, "a@b\0c@d\0"),
  A("plus and percent", " u+ext@h, a%b@c", 2, "u+ext@h\0a%b@c\0"),
  A("obsolete spaces around dots", " john . doe @ example . com", 1, "john.doe@example.com\0"),
  BAD("unterminated quote", " \"abc@d"),
  BAD("unterminated comment", " a@b (x"),
  BAD("unterminated angle", " Name <a@b"),
  BAD("two words without address", " John Smith"),
  BAD("stray >", " a@b>"),
  BAD("nested group", " g: h: a@b;;"),
  BAD("junk after angle", " <a@b> c"),
  BAD("empty domain", " a@"),
  BAD("NUL in quoted string", " \"a\0b\"@c"),
  BAD("stray )", " a@b)"),
  BAD("control byte in atom", " a\001b@c"),
  BAD("NUL in atom", " ab@c\0d"),
  BAD("escaped LF in quoted string", " \"a\\\nb\"@c"),
  A("control bytes in a comment are harmless", " a@b (\001)", 1, "a@b\0"),
} ;

struct fcase { char const *name ; char const *in ; int ok ; size_t namelen ; size_t body ; } ;
static struct fcase const fields[] =
{
  { "simple field", "To: a@b\n", 1, 2, 3 },
  { "space before colon", "Subject  : x\n", 1, 7, 10 },
  { "continuation line", " folded\n", 0, 0, 0 },
  { "no colon", "From nobody Mon\n", 0, 0, 0 },
  { "empty name", ": x\n", 0, 0, 0 },
  { "8-bit name refused", "T\xc3\xb6: x\n", 0, 0, 0 },
} ;

int main (void)
{
  size_t nc = sizeof cases / sizeof *cases, nf = sizeof fields / sizeof *fields ;
  stralloc sa = STRALLOC_ZERO ;
  TAP_PLAN(nc + nf + 4) ;
  for (size_t i = 0 ; i < nc ; i++)
  {
    int r ;
    sa.len = 0 ;
    if (!stralloc_catb(&sa, "keep\0", 5)) return 111 ;
    r = rfc5322_addrlist(&sa, cases[i].in, cases[i].inlen) ;
    if (cases[i].n < 0)
      TAP_OK(r == -1 && errno == EINVAL && sa.len == 5, "%s: refused", cases[i].name) ;
    else
      TAP_OK(r == cases[i].n && sa.len == 5 + cases[i].outlen && !memcmp(sa.s + 5, cases[i].out, cases[i].outlen),
        "%s: %d address(es)", cases[i].name, cases[i].n) ;
  }
  for (size_t i = 0 ; i < nf ; i++)
  {
    size_t nl = 0, b = 0 ;
    int r = rfc5322_field(fields[i].in, strlen(fields[i].in), &nl, &b) ;
    TAP_OK(r == fields[i].ok && (!r || (nl == fields[i].namelen && b == fields[i].body)), "field: %s", fields[i].name) ;
  }
  TAP_OK(rfc5322_nameis("bCc", 3, "Bcc"), "nameis ignores case") ;
  TAP_OK(!rfc5322_nameis("Bcc", 3, "Resent-Bcc"), "nameis compares lengths") ;
  TAP_OK(!rfc5322_nameis("To", 2, "Tx"), "nameis compares bytes") ;
  {
    /* a long list: every address comes out, in order */
    stralloc in = STRALLOC_ZERO ;
    int r, good = 1 ;
    for (unsigned int i = 0 ; i < 1000 && good ; i++)
      good = stralloc_cats(&in, i ? ",\n u@h" : " u@h") ;
    sa.len = 0 ;
    r = rfc5322_addrlist(&sa, in.s, in.len) ;
    TAP_OK(good && r == 1000 && sa.len == 1000 * 4, "1000 folded addresses") ;
    stralloc_free(&in) ;
  }
  stralloc_free(&sa) ;
  return TAP_DONE() ;
}
