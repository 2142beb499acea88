/* ISC license. */
/* berth_stdopts (berth/stdopts.h): every program's --help and --version.
   Trust: looks at argv[1] only, before the program reads anything else; prints constants. */

#include <string.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <berth/stdopts.h>

static void say (char const *a, char const *b, char const *c) gccattr_noreturn ;
static void say (char const *a, char const *b, char const *c)
{
  if (buffer_puts(buffer_1, a) < 0 || buffer_puts(buffer_1, b) < 0 || buffer_puts(buffer_1, c) < 0
   || buffer_putsflush(buffer_1, "\n") < 0)
    strerr_diefu1sys(111, "write to stdout") ;
  _exit(0) ;
}

void berth_stdopts (int argc, char const *const *argv, char const *synopsis)
{
  if (argc < 2 || !argv[1]) return ;
  if (!strcmp(argv[1], "--help")) say(synopsis, "", "") ;
  if (!strcmp(argv[1], "--version")) say(PROG, " ", BERTH_VERSION) ;
}
