/* ISC license. */
/* berth-showctl: prints the effective control settings of an instance (each file's value or the
   default it falls back to; with -n only the files that are set, as postconf -n) and warns about
   mistakes, like qmail-showctl: files it does not know, compiled files behind their source, and
   the checks of show.c and checks.c. Exit 0, or 1 when there is a warning, 111 when the instance
   cannot be read, 100 on a usage error.
   Trust: reads control files only; prints them sanitised. */

#include <string.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/stdopts.h>
#include "showctl.h"

#define USAGE "berth-showctl [ -n ]"

int main (int argc, char const *const *argv)
{
  stralloc me = STRALLOC_ZERO, ws = STRALLOC_ZERO ;
  char const *home = berth_home() ;
  unsigned int w = 0 ;
  int onlyset = 0 ;
  PROG = "berth-showctl" ;
  berth_stdopts(argc, argv, USAGE) ;
  if (argc == 2 && !strcmp(argv[1], "-n")) onlyset = 1 ;
  else if (argc > 1) strerr_dieusage(100, USAGE) ;
  if (chdir(home) < 0) strerr_diefu2sys(111, "chdir to ", home) ;
  if (!onlyset && (buffer_puts(buffer_1, "berth instance: ") < 0 || buffer_puts(buffer_1, home) < 0
   || buffer_puts(buffer_1, "\n") < 0))
    strerr_diefu1sys(111, "write to stdout") ;
  if (control_readline(&me, "control/me", 0) <= 0 || !me.len)
  {
    w += showctl_warn(&ws, "control/me is missing or empty: every name defaulting to it is unset", "", "") ;
    if (!stralloc_copys(&me, "(unset)") || !stralloc_0(&me)) strerr_diefu1sys(111, "allocate") ;
    me.len-- ;   /* the NUL is there but not counted, as control_readline leaves it */
  }
  for (ctl const *c = showctl_table ; c->name ; c++) w += showctl_show(c, me.s, onlyset, &ws) ;
  w += showctl_virtual(me.s, me.len, &ws) ;
  w += showctl_stale(&ws) ;
  w += showctl_unknown(&ws) ;
  if (buffer_put(buffer_1, ws.s, ws.len) < 0 || !buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return w ? 1 : 0 ;
}
