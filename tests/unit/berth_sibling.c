/* ISC license. */
/* berth_sibling (src/libberth/berth_sibling.c): the running binary's real directory plus a name,
   appended to what the stralloc holds; through a symlink in another directory, still the real one
   (a qmail name or /usr/sbin/sendmail finds the suite's bin/). berth_binhome (berth_binhome.c):
   HOME for a copy of the binary in HOME/bin/, nothing for one in another directory. */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <berth/sibling.h>
#include "tap.h"

#define CHILD_ARG "child"
#define HOME_ARG "home"

/* runs a copy of this binary at dir/name with HOME_ARG; its output line in got */
static int run_copy (char const *self, char const *dir, char *got, size_t len)
{
  char cmd[PATH_MAX * 3] ;
  FILE *f ;
  int ok ;
  got[0] = 0 ;
  snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s/x' && '%s/x' " HOME_ARG, dir, self, dir, dir) ;
  f = popen(cmd, "r") ;
  if (!f) return 0 ;
  ok = !!fgets(got, (int)len, f) ;
  return !pclose(f) && ok ;
}

int main (int argc, char const *const *argv)
{
  stralloc sa = STRALLOC_ZERO ;
  char real[PATH_MAX], dir[PATH_MAX], want[PATH_MAX + 32], tmp[] = "/tmp/berth-sibling.XXXXXX" ;
  char link[sizeof tmp + 8], cmd[sizeof link + 32], got[PATH_MAX + 32] = "" ;
  char *slash ;
  FILE *f ;
  if (argc > 1 && !strcmp(argv[1], CHILD_ARG))
    return berth_sibling(&sa, "berth-queue") && printf("%s\n", sa.s) > 0 ? 0 : 1 ;
  if (argc > 1 && !strcmp(argv[1], HOME_ARG))
    return printf("%s\n", berth_binhome(&sa) ? sa.s : "(none)") > 0 ? 0 : 1 ;
  TAP_PLAN(8) ;
  if (!realpath(argv[0], real)) { perror("realpath") ; return 1 ; }
  memcpy(dir, real, strlen(real) + 1) ;
  slash = strrchr(dir, '/') ;
  slash[1] = 0 ;

  TAP_OK(berth_sibling(&sa, "berth-queue") && !strcmp(sa.s, (snprintf(want, sizeof want, "%sberth-queue", dir), want)),
    "the real directory of the binary, plus the name (%s)", sa.s) ;
  TAP_OK(sa.len == strlen(want) + 1, "the NUL is counted in len") ;
  sa.len = 0 ;
  TAP_OK(stralloc_cats(&sa, "prefix:") && berth_sibling(&sa, "x") && !strncmp(sa.s, "prefix:", 7)
    && !strcmp(sa.s + 7, (snprintf(want, sizeof want, "%sx", dir), want)), "appends to what sa holds") ;
  sa.len = 0 ;
  TAP_OK(berth_sibling(&sa, "") && !strcmp(sa.s, dir), "an empty name: the directory with its slash") ;

  /* the same binary run through a symlink elsewhere: still the real directory */
  if (!mkdtemp(tmp)) { perror("mkdtemp") ; return 1 ; }
  snprintf(link, sizeof link, "%s/link", tmp) ;
  snprintf(cmd, sizeof cmd, "%s " CHILD_ARG, link) ;
  TAP_OK(!symlink(real, link) && (f = popen(cmd, "r")) && fgets(got, sizeof got, f) && !pclose(f),
    "the binary runs through a symlink in %s", tmp) ;
  snprintf(want, sizeof want, "%sberth-queue\n", dir) ;
  TAP_OK(!strcmp(got, want), "through a symlink: the real directory (%s)", dir) ;
  unlink(link) ;

  snprintf(cmd, sizeof cmd, "%s/h/bin", tmp) ;
  snprintf(want, sizeof want, "%s/h\n", tmp) ;
  TAP_OK(run_copy(real, cmd, got, sizeof got) && !strcmp(got, want), "a copy in HOME/bin: HOME (%s)", want) ;
  snprintf(cmd, sizeof cmd, "%s/h/sbin", tmp) ;
  TAP_OK(run_copy(real, cmd, got, sizeof got) && !strcmp(got, "(none)\n"), "a copy in HOME/sbin: none") ;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp) ;
  if (system(cmd)) return 1 ;
  stralloc_free(&sa) ;
  return TAP_DONE() ;
}
