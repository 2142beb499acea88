/* ISC license. */

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <skalibs/stralloc.h>
#include <berth/date822.h>
#include <berth/rcvd.h>

static int safe (stralloc *sa, char const *x)
{
  return rcvd_safe(sa, x, strlen(x)) ;
}

int rcvd_line (stralloc *sa, char const *prog, char const *proto, char const *me)
{
  char date[DATE822_FMT] ;
  char const *host = getenv("TCPREMOTEHOST") ;
  char const *info = getenv("TCPREMOTEINFO") ;
  char const *ip = getenv("TCPREMOTEIP") ;
  char const *local = getenv("TCPLOCALHOST") ;
  sa->len = 0 ;
  if (!stralloc_cats(sa, "Received: from ") || !safe(sa, host ? host : "unknown")
   || !stralloc_cats(sa, " (")) return 0 ;
  if (info && (!safe(sa, info) || !stralloc_catb(sa, "@", 1))) return 0 ;
  return safe(sa, host ? host : "unknown") && stralloc_cats(sa, " [") && safe(sa, ip ? ip : "unknown")
    && stralloc_cats(sa, "])\n\tby ") && safe(sa, local ? local : me)
    && stralloc_cats(sa, " (") && stralloc_cats(sa, prog) && stralloc_cats(sa, ") with ")
    && stralloc_cats(sa, proto) && stralloc_cats(sa, "; ")
    && stralloc_catb(sa, date, date822_fmt(date, time(0))) && stralloc_catb(sa, "\n", 1) ;
}
