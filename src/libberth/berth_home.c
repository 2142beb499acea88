/* ISC license. */

#include <stdlib.h>
#include <unistd.h>
#include <berth/home.h>

char const *berth_home (void)
{
  if (getuid() == geteuid() && getgid() == getegid())
  {
    char const *h = getenv("BERTH_HOME") ;
    if (h && *h) return h ;
  }
  return BERTH_CONF_HOME ;
}
