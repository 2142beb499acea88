/* ISC license. */
/* The berth-tlsc to run (berth-remote's STARTTLS, berth-mtasts's HTTPS): $BERTH_TLSC (ignored
   when set-uid or set-gid), else berth-tlsc next to the running binary, else through PATH.
   The result lives as long as the process. */

#include <stdlib.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <berth/sibling.h>

#define TLSC_NAME "berth-tlsc"

char const *berth_tlsc_path (void)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *env = getuid() == geteuid() && getgid() == getegid() ? getenv("BERTH_TLSC") : 0 ;
  if (env && *env) return env ;
  return berth_sibling(&sa, TLSC_NAME) ? sa.s : TLSC_NAME ;
}
