/* ISC license. */
/* Table-driven tests of the recipient check's lookup (libberth rcptmap_check) on a map made here,
   and of the two orders it shares with local delivery: the .qmail names (qmename) and the user
   names in a local part (userpart). */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/cdbmake.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/assign.h>
#include <berth/qmename.h>
#include <berth/rcptmap.h>
#include <berth/userpart.h>
#include "tap.h"

#define FUTURE "4000000000.0"

/* key (tag included), data */
static char const *const records[][2] =
{
  { "a", "/inst/alias" },
  { "h/inst/alias", "" },
  { "f/inst/alias/.qmail-postmaster", "" },
  { "f/inst/alias/.qmail-list", "" },
  { "f/inst/alias/.qmail-a-b-default", "" },
  { "f/inst/alias/.qmail-dot:ted", "" },
  { "f/inst/alias/.qmail-vu-joe", "" },
  { "pbob", "/home/bob" },
  { "h/home/bob", "" },
  { "f/home/bob/.qmail-lists-default", "" },
  { "pbob-x", "/home/bobx" },
  { "h/home/bobx", "?" },
  { "pann", "/home/ann" },
  { "h/home/ann", "" },
  { "f/home/ann/.qmail-default", "" },
  { "h/srv/shop", "" },
  { "f/srv/shop/.qmail-a", "" },
} ;
static char const *const assigns[] =
{
  "=clerk:clerk:1001:100:/srv/clerk:::",
  "+shop-:shop:1002:100:/srv/shop:-::",
} ;

struct ccase { char const *local ; int want ; char const *why ; } ;
static struct ccase const checks[] =
{
  { "postmaster", RCPTMAP_YES, "alias .qmail-postmaster" },
  { "PostMaster", RCPTMAP_YES, "any case" },
  { "nosuch", RCPTMAP_NO, "nobody claims it, no alias file" },
  { "list", RCPTMAP_YES, "alias .qmail-list" },
  { "list-foo", RCPTMAP_NO, "no .qmail-list-default" },
  { "a-b-c", RCPTMAP_YES, ".qmail-a-b-default" },
  { "a-b-c-d", RCPTMAP_YES, ".qmail-a-b-default, two levels down" },
  { "a-b", RCPTMAP_NO, "a-b is not under a-b-default" },
  { "a-c", RCPTMAP_NO, "no .qmail-a-default" },
  { "dot.ted", RCPTMAP_YES, "dots become colons" },
  { "vu-joe", RCPTMAP_YES, "a virtualdomains prefix is an extension of the alias user" },
  { "bob", RCPTMAP_YES, "a passwd user without extension: defaultdelivery" },
  { "bob-lists-x", RCPTMAP_YES, "bob's .qmail-lists-default" },
  { "bob-other", RCPTMAP_NO, "bob has no .qmail-other nor -default" },
  { "bob-x", RCPTMAP_YES, "the longer passwd name wins (bob-x), whose home was not read" },
  { "bob-x-y", RCPTMAP_YES, "bob-x-y: bob-x's unread home" },
  { "ann-anything", RCPTMAP_YES, "ann's .qmail-default" },
  { "clerk", RCPTMAP_YES, "users/assign exact, no extension" },
  { "shop-a", RCPTMAP_YES, "users/assign wildcard, .qmail-a in its home" },
  { "shop-b", RCPTMAP_NO, "users/assign wildcard, no .qmail-b" },
  { "", RCPTMAP_YES, "an empty local part is trashed, so delivered" },
} ;

static void map_make (char const *fn, char const *t)
{
  cdbmaker cm = CDBMAKER_ZERO ;
  int fd = open_trunc(fn) ;
  if (fd < 0 || !cdbmake_start(&cm, fd)) exit(111) ;
  if (!cdbmake_add(&cm, "t", 1, t, strlen(t))) exit(111) ;
  for (size_t i = 0 ; i < sizeof assigns / sizeof *assigns ; i++)
  {
    stralloc k = STRALLOC_ZERO, d = STRALLOC_ZERO ;
    if (assign_parseline(assigns[i], strlen(assigns[i]), &k, &d) != 1 || !cdbmake_add(&cm, k.s, k.len, d.s, d.len)) exit(111) ;
    stralloc_free(&k) ; stralloc_free(&d) ;
  }
  for (size_t i = 0 ; i < sizeof records / sizeof *records ; i++)
    if (!cdbmake_add(&cm, records[i][0], strlen(records[i][0]), records[i][1], strlen(records[i][1]))) exit(111) ;
  if (!cdbmake_finish(&cm)) exit(111) ;
  fd_close(fd) ;
}

static void names (void)
{
  static char const *const want[] = { ".qmail-a-b", ".qmail-a-default", ".qmail-default" } ;
  static char const *const want2[] = { ".qmail-x-", ".qmail-x-default", ".qmail-default" } ;
  qmename it = QMENAME_ZERO ;
  stralloc fn = STRALLOC_ZERO ;
  size_t prefix, n = 0 ;
  int ok = 1 ;
  qmename_start(&it, 3) ;
  while (qmename_next(&it, &fn, "-", "a-b", 3, &prefix) > 0)
    ok = ok && n < 3 && !strcmp(fn.s, want[n++]) ;
  TAP_OK(ok && n == 3, "qmename: a-b tries .qmail-a-b, -a-default, -default in that order") ;
  n = 0 ; ok = 1 ;
  qmename_start(&it, 2) ;
  while (qmename_next(&it, &fn, "-", "x-", 2, &prefix) > 0)
    ok = ok && n < 3 && !strcmp(fn.s, want2[n++]) ;
  TAP_OK(ok && n == 3, "qmename: an extension ending in '-' tries its own -default once") ;
  stralloc_free(&fn) ;
}

static void users (void)
{
  userpart it ;
  size_t i, got[4], n = 0 ;
  char const *s = "a-b-c" ;
  userpart_start(&it, 5) ;
  while (n < 4 && userpart_next(&it, s, 5, '-', &i)) got[n++] = i ;
  TAP_OK(n == 3 && got[0] == 5 && got[1] == 3 && got[2] == 1, "userpart: a-b-c, then a-b, then a") ;
  userpart_start(&it, 40) ;
  n = 0 ;
  while (userpart_next(&it, "abcdefghijabcdefghijabcdefghijabcdefghij", 40, '-', &i)) n++ ;
  TAP_OK(!n, "userpart: no name of %u bytes or more", USERPART_NAMEMAX) ;
}

int main (void)
{
  char dir[] = "/tmp/berth-rcptmap.XXXXXX" ;
  char fn[sizeof dir + 16] ;
  rcptmap m = RCPTMAP_ZERO ;
  TAP_PLAN(sizeof checks / sizeof *checks + 9) ;
  if (!mkdtemp(dir)) return 111 ;
  memcpy(fn, dir, sizeof dir - 1) ; strcpy(fn + sizeof dir - 1, "/map.cdb") ;
  map_make(fn, FUTURE) ;
  TAP_OK(rcptmap_open(&m, fn), "the map opens") ;
  for (size_t i = 0 ; i < sizeof checks / sizeof *checks ; i++)
  {
    int r = rcptmap_check(&m, checks[i].local, strlen(checks[i].local)) ;
    TAP_OK(r == checks[i].want, "%s: %d (%s)", checks[i].local, r, checks[i].why) ;
  }
  rcptmap_close(&m) ;
  /* a map built before its home changed: what it would refuse is stale instead */
  {
    cdbmaker cm = CDBMAKER_ZERO ;
    int fd = open_trunc(fn) ;
    if (fd < 0 || !cdbmake_start(&cm, fd) || !cdbmake_add(&cm, "t", 1, "1.0", 3) || !cdbmake_add(&cm, "a", 1, "/nonexistent", 12)
     || !cdbmake_add(&cm, "h/nonexistent", 13, "", 0) || !cdbmake_add(&cm, "pcarl", 5, dir, strlen(dir))) return 111 ;
    {
      char hk[sizeof dir + 1] ;
      hk[0] = 'h' ; memcpy(hk + 1, dir, sizeof dir - 1) ;
      if (!cdbmake_add(&cm, hk, sizeof dir, "", 0) || !cdbmake_finish(&cm)) return 111 ;
    }
    fd_close(fd) ;
    TAP_OK(rcptmap_open(&m, fn), "a map built at time 1 opens") ;
    TAP_OK(rcptmap_check(&m, "carl-x", 6) == RCPTMAP_STALE, "an address it would refuse, in a home changed since: stale") ;
    TAP_OK(rcptmap_stale(&m) == 1, "rcptmap_stale says so too") ;
    rcptmap_close(&m) ;
  }
  unlink(fn) ;
  TAP_OK(!rcptmap_open(&m, fn), "no map: rcptmap_open fails") ;
  names() ;
  users() ;
  rmdir(dir) ;
  return TAP_DONE() ;
}
