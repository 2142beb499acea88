/* ISC license. */
/* Table-driven tests of berth-smtpd's path and parameter parsers (src/libberth/smtp*.c). */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>
#include <berth/smtpaddr.h>
#include "tap.h"

struct acase
{
  char const *in ;
  ssize_t used ;          /* 0: refused */
  char const *addr ;
  unsigned int flags ;    /* flags that must be set */
  unsigned int noflags ;  /* flags that must be clear */
} ;

#define A(in, used, addr, flags, noflags) { in, used, addr, flags, noflags }

static struct acase const addrs[] =
{
  A("<a@b.example>", 13, "a@b.example", 0, SMTPADDR_NULL | SMTPADDR_SPECIAL | SMTPADDR_8BIT),
  A("<>", 2, "", SMTPADDR_NULL, 0),
  A("<> SIZE=10", 2, "", SMTPADDR_NULL, 0),
  A("<a@b.example> SIZE=10", 13, "a@b.example", 0, 0),
  A("<\"john smith\"@b.example>", 24, "john smith@b.example", SMTPADDR_QUOTED, SMTPADDR_SPECIAL),
  A("<\"a\\\"b\"@b.example>", 18, "a\"b@b.example", SMTPADDR_QUOTED, 0),
  A("<\"a@c.example\"@b.example>", 25, "a@c.example@b.example", SMTPADDR_QUOTED | SMTPADDR_SPECIAL, 0),
  A("<a%c.example@b.example>", 23, "a%c.example@b.example", SMTPADDR_SPECIAL, 0),
  A("<c.example!a@b.example>", 23, "c.example!a@b.example", SMTPADDR_SPECIAL, 0),
  A("<@r1.example,@r2.example:a@b.example>", 37, "a@b.example", SMTPADDR_ROUTE, 0),
  A("<a@[1.2.3.4]>", 13, "a@[1.2.3.4]", SMTPADDR_LITERAL, 0),
  A("<a@[IPv6:2001:db8::1]>", 22, "a@[IPv6:2001:db8::1]", SMTPADDR_LITERAL, 0),
  A("<postmaster>", 12, "postmaster", SMTPADDR_NODOMAIN, 0),
  A("<j\xc3\xbcrgen@b\xc3\xa4r.example>", 22, "j\xc3\xbcrgen@b\xc3\xa4r.example", SMTPADDR_8BIT, 0),
  A("<a.b.c@x-y.example>", 19, "a.b.c@x-y.example", 0, 0),
  A("a@b.example", 0, 0, 0, 0),
  A("<a@b.example", 0, 0, 0, 0),
  A("<a@b.example>x", 13, "a@b.example", 0, 0),
  A("<a..b@b.example>", 0, 0, 0, 0),
  A("<.a@b.example>", 0, 0, 0, 0),
  A("<a.@b.example>", 0, 0, 0, 0),
  A("<a@b..example>", 0, 0, 0, 0),
  A("<a@-b.example>", 0, 0, 0, 0),
  A("<a@b-.example>", 0, 0, 0, 0),
  A("<a@b.example.>", 0, 0, 0, 0),
  A("<a@>", 0, 0, 0, 0),
  A("<@b.example>", 0, 0, 0, 0),
  A("<a b@b.example>", 0, 0, 0, 0),
  A("<a@b_c.example>", 0, 0, 0, 0),
  A("<a@[1.2.3]>", 0, 0, 0, 0),
  A("<a@[256.1.1.1]>", 0, 0, 0, 0),
  A("<a@[01.1.1.1]>", 0, 0, 0, 0),
  A("<a@[IPv6:zz::1]>", 0, 0, 0, 0),
  A("<a@[general:stuff]>", 0, 0, 0, 0),
  A("<\"a\rb\"@b.example>", 0, 0, 0, 0),
  A("<\"unterminated@b.example>", 0, 0, 0, 0),
  A("<@r1.example:>", 0, 0, 0, 0),
  A("<@r1.example,r2.example:a@b.example>", 0, 0, 0, 0),
  A("<@:a@b.example>", 0, 0, 0, 0),
  A("<a\x01@b.example>", 0, 0, 0, 0),
  A("<\"\"@b.example>", 0, 0, 0, 0),
} ;

struct pcase
{
  char const *in ;
  unsigned int verb ;
  int result ;
  unsigned int hassize ;
  uint64_t size ;
  unsigned int body ;
  unsigned int utf8 ;
} ;

static struct pcase const params[] =
{
  { "", SMTPPARAM_MAIL, SMTPPARAM_OK, 0, 0, SMTPPARAM_BODY_NONE, 0 },
  { " SIZE=1000", SMTPPARAM_MAIL, SMTPPARAM_OK, 1, 1000, SMTPPARAM_BODY_NONE, 0 },
  { " size=0 body=7bit", SMTPPARAM_MAIL, SMTPPARAM_OK, 1, 0, SMTPPARAM_BODY_7BIT, 0 },
  { " BODY=8BITMIME SMTPUTF8", SMTPPARAM_MAIL, SMTPPARAM_OK, 0, 0, SMTPPARAM_BODY_8BITMIME, 1 },
  { "  SIZE=5   SMTPUTF8  ", SMTPPARAM_MAIL, SMTPPARAM_OK, 1, 5, SMTPPARAM_BODY_NONE, 1 },
  { " SIZE=99999999999999999999", SMTPPARAM_MAIL, SMTPPARAM_OK, 1, UINT64_MAX, SMTPPARAM_BODY_NONE, 0 },
  { " SIZE=999999999999999999999", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0, 0, 0, 0 },
  { " SIZE=", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0, 0, 0, 0 },
  { " SIZE=12a", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0, 0, 0, 0 },
  { " SIZE=1 SIZE=2", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0, 0, 0, 0 },
  { " BODY=BINARYMIME", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0, 0, 0, 0 },
  { " BODY", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0, 0, 0, 0 },
  { " SMTPUTF8=yes", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0, 0, 0, 0 },
  { " BY=120;R", SMTPPARAM_MAIL, SMTPPARAM_UNKNOWN, 0, 0, 0, 0 },   /* DSN's RET and ENVID: tests/unit/envext.c */
  { " X-FOO", SMTPPARAM_MAIL, SMTPPARAM_UNKNOWN, 0, 0, 0, 0 },
  { " =x", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0, 0, 0, 0 },
  { " A\x01=x", SMTPPARAM_MAIL, SMTPPARAM_SYNTAX, 0, 0, 0, 0 },
  { "", SMTPPARAM_RCPT, SMTPPARAM_OK, 0, 0, 0, 0 },
  { " RRVS=2030-01-01T00:00:00Z", SMTPPARAM_RCPT, SMTPPARAM_UNKNOWN, 0, 0, 0, 0 },   /* NOTIFY, ORCPT: envext.c */
  { " SIZE=10", SMTPPARAM_RCPT, SMTPPARAM_UNKNOWN, 0, 0, 0, 0 },
} ;

int main (void)
{
  size_t na = sizeof addrs / sizeof *addrs, np = sizeof params / sizeof *params, i ;
  stralloc sa = STRALLOC_ZERO ;
  TAP_PLAN(na + np + 2) ;
  for (i = 0 ; i < na ; i++)
  {
    smtpaddr a = SMTPADDR_ZERO ;
    ssize_t r = smtpaddr_parse(&sa, &a, addrs[i].in, strlen(addrs[i].in)) ;
    int good = r == addrs[i].used ;
    if (good && r > 0)
      good = !strcmp(sa.s, addrs[i].addr) && sa.len == strlen(addrs[i].addr)
        && (a.flags & addrs[i].flags) == addrs[i].flags && !(a.flags & addrs[i].noflags)
        && (a.flags & SMTPADDR_NODOMAIN || a.flags & SMTPADDR_NULL || sa.s[a.at] == '@') ;
    TAP_OK(good, "path %zu: %s -> %zd", i, addrs[i].addr ? addrs[i].addr : "refused", r) ;
  }
  for (i = 0 ; i < np ; i++)
  {
    smtpparam p = SMTPPARAM_ZERO ;
    int r = smtpparam_parse(&p, params[i].in, strlen(params[i].in), params[i].verb) ;
    int good = r == params[i].result ;
    if (good && r == SMTPPARAM_OK)
      good = p.hassize == params[i].hassize && p.size == params[i].size && p.body == params[i].body && p.smtputf8 == params[i].utf8 ;
    TAP_OK(good, "params %zu: \"%s\" -> %d", i, params[i].in, r) ;
  }
  {
    char big[QQ_ADDR_MAX + 16] ;
    smtpaddr a = SMTPADDR_ZERO ;
    ssize_t r ;
    size_t n = QQ_ADDR_MAX - 1 ;   /* "<" local "@b.example" ">" with the address QQ_ADDR_MAX - 1 long */
    big[0] = '<' ;
    memset(big + 1, 'x', n - 10) ;
    memcpy(big + 1 + n - 10, "@b.example>", 11) ;
    r = smtpaddr_parse(&sa, &a, big, n + 2) ;
    TAP_OK(r == (ssize_t)(n + 2) && sa.len == n, "address of QQ_ADDR_MAX - 1 bytes accepted") ;
    memmove(big + 2, big + 1, n + 1) ; big[1] = 'x' ;
    errno = 0 ;
    r = smtpaddr_parse(&sa, &a, big, n + 3) ;
    TAP_OK(!r && errno == ENAMETOOLONG, "address of QQ_ADDR_MAX bytes refused as too long") ;
  }
  stralloc_free(&sa) ;
  return TAP_DONE() ;
}
