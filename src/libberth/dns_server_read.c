/* ISC license. */
/* The nameserver berth asks (berth-remote, berth-mtasts): $BERTH_DNSSERVER, else the line of
   control/dnsserver (read into sa, relative to the instance home), else 0: resolv.conf's.
   Trust: both are the administrator's; dns_server_scan checks the syntax. */

#include <stdlib.h>
#include <berth/control.h>
#include <berth/dns.h>

char const *dns_server_read (stralloc *sa)
{
  char const *x = getenv("BERTH_DNSSERVER") ;
  if (x && *x) return x ;
  if (control_readline(sa, "control/dnsserver", 0) > 0 && sa->len) return sa->s ;
  return 0 ;
}
