/* ISC license. */
/* Table-driven tests of users/assign parsing (berth-newu) and lookup precedence (berth-lspawn). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/cdb.h>
#include <skalibs/cdbmake.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/assign.h>
#include <berth/safeext.h>
#include "tap.h"

struct pcase { char const *line ; int ok ; char const *key ; } ;
static struct pcase const parses[] =
{
  { "=joe:joe:1001:100:/home/joe:::", 1, "=joe" },
  { "=Joe.Smith:joe:1001:100:/home/joe:-:smith:", 1, "=joe.smith" },
  { "+list-:lists:1002:100:/var/lists:-::", 1, "+list-" },
  { "+:alias:7790:2108:/var/qmail/alias:-::", 1, "+" },
  { "=:nobody:1:1:/tmp:::", 1, "=" },
  { "=joe:joe:1001:100:/home/joe::", 0, 0 },             /* six fields */
  { "=joe:joe:1001:100:/home/joe:::x", 0, 0 },           /* junk after the last ':' */
  { "=joe:joe:1001:100:/home/joe::::", 0, 0 },           /* eight fields */
  { "joe:joe:1001:100:/home/joe:::", 0, 0 },             /* no = or + */
  { "-joe:joe:1001:100:/home/joe:::", 0, 0 },
  { "=joe:joe:10x1:100:/home/joe:::", 0, 0 },            /* uid not a number */
  { "=joe:joe:1001::/home/joe:::", 0, 0 },               /* empty gid */
  { "=joe::1001:100:/home/joe:::", 0, 0 },               /* empty user */
  { "=joe:joe:1001:100:home/joe:::", 0, 0 },             /* relative home */
  { "", 0, 0 },
  { "=", 0, 0 },
} ;

static char const *const table[] =
{
  "=joe:joe:1001:100:/home/joe:::",
  "+joe-:joe:1001:100:/home/joe:-::",
  "+joe-list-:lists:1002:100:/var/lists:-:joe-:",
  "=joe-list-x:exact:1003:100:/var/exact:-:x:",
  "+:alias:7790:2108:/var/alias:-::",
  "=dup:first:1:1:/first:::",
  "=dup:second:2:2:/second:::",
} ;

struct lcase { char const *local ; int found ; char const *user ; unsigned long uid ; char const *home ; char const *dash ; char const *ext ; } ;
static struct lcase const lookups[] =
{
  { "joe", 1, "joe", 1001, "/home/joe", "", "" },
  { "JOE", 1, "joe", 1001, "/home/joe", "", "" },                     /* case-insensitive */
  { "joe-foo", 1, "joe", 1001, "/home/joe", "-", "foo" },             /* wildcard: rest is ext */
  { "joe-list-y", 1, "lists", 1002, "/var/lists", "-", "joe-y" },     /* longer wildcard wins, pre kept */
  { "joe-list-x", 1, "exact", 1003, "/var/exact", "-", "x" },         /* exact beats wildcard */
  { "joe-list-", 1, "lists", 1002, "/var/lists", "-", "joe-" },
  { "bob", 1, "alias", 7790, "/var/alias", "-", "bob" },              /* the empty prefix catches all */
  { "dup", 1, "first", 1, "/first", "", "" },                         /* first entry of a key wins */
} ;

/* the .qmail name of an extension (berth-local finds, berth-setup writes): ASCII only lowercased */
struct scase { char const *ext ; char const *safe ; } ;
static struct scase const safes[] =
{
  { "Foo.Bar-Baz", "foo:bar-baz" },
  { "..", "::" },
  { "\xc3\x84Z@", "\xc3\x84z@" },
  { "", "" },
} ;

int main (void)
{
  size_t np = sizeof parses / sizeof *parses, nt = sizeof table / sizeof *table, nl = sizeof lookups / sizeof *lookups ;
  char fn[] = "/tmp/berth-assign-XXXXXX" ;
  cdbmaker cm = CDBMAKER_ZERO ;
  cdb c = CDB_ZERO ;
  int fd ;
  size_t ns = sizeof safes / sizeof *safes ;
  TAP_PLAN(np + nl + ns + 2) ;
  for (size_t i = 0 ; i < ns ; i++)
  {
    size_t len = strlen(safes[i].ext) ;
    char s[len + 1] ;
    memcpy(s, safes[i].ext, len + 1) ;
    safeext(s, len) ;
    TAP_OK(!strcmp(s, safes[i].safe), "safeext %s -> %s", safes[i].ext, safes[i].safe) ;
  }
  for (size_t i = 0 ; i < np ; i++)
  {
    stralloc k = STRALLOC_ZERO, d = STRALLOC_ZERO ;
    int r = assign_parseline(parses[i].line, strlen(parses[i].line), &k, &d) ;
    TAP_OK(parses[i].ok ? r == 1 && k.len == strlen(parses[i].key) && !memcmp(k.s, parses[i].key, k.len) : r == 0,
      "parse %s: %s", parses[i].ok ? "good" : "bad", parses[i].line) ;
    stralloc_free(&k) ; stralloc_free(&d) ;
  }

  fd = mkstemp(fn) ;
  {
    int ok = fd >= 0 && cdbmake_start(&cm, fd) ;
    for (size_t i = 0 ; ok && i < nt ; i++)
    {
      stralloc k = STRALLOC_ZERO, d = STRALLOC_ZERO ;
      ok = assign_parseline(table[i], strlen(table[i]), &k, &d) == 1 && cdbmake_add(&cm, k.s, k.len, d.s, d.len) ;
      stralloc_free(&k) ; stralloc_free(&d) ;
    }
    ok = ok && cdbmake_finish(&cm) ;
    if (fd >= 0) close(fd) ;
    TAP_OK(ok && cdb_init(&c, fn), "build the lookup table") ;
  }
  for (size_t i = 0 ; i < nl ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    assign a ;
    struct lcase const *l = lookups + i ;
    int r = assign_lookup(&c, l->local, &a, &sa) ;
    TAP_OK(r == l->found && (!r || (a.uid == l->uid && !strcmp(sa.s + a.user, l->user) && !strcmp(sa.s + a.home, l->home)
      && !strcmp(sa.s + a.dash, l->dash) && !strcmp(sa.s + a.ext, l->ext))),
      "lookup %s -> %s ext '%s'", l->local, l->user, l->ext) ;
    stralloc_free(&sa) ;
  }
  {
    cdb e = CDB_ZERO ;
    stralloc sa = STRALLOC_ZERO ;
    assign a ;
    int fd2 = open_trunc(fn) ;
    cdbmaker m2 = CDBMAKER_ZERO ;
    int ok = fd2 >= 0 && cdbmake_start(&m2, fd2) && cdbmake_add(&m2, "=x", 2, "u\0" "1\0" "1\0" "/h\0" "\0" "\0", 12) && cdbmake_finish(&m2) ;
    if (fd2 >= 0) close(fd2) ;
    TAP_OK(ok && cdb_init(&e, fn) && assign_lookup(&e, "nobody", &a, &sa) == 0, "no entry, no wildcard: not found") ;
    cdb_free(&e) ;
    stralloc_free(&sa) ;
  }
  cdb_free(&c) ;
  unlink(fn) ;
  return TAP_DONE() ;
}
