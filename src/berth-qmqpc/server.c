/* ISC license. */
/* Parsing one line of control/qmqpservers. qmail's form is a bare IPv4 address (port 628);
   berth also takes an IPv6 address, and a port: "127.0.0.1:6628", "[::1]:6628".
   Trust: the file is the administrator's; a line that does not parse is skipped by the caller. */

#include <string.h>
#include <skalibs/ip46.h>
#include <skalibs/types.h>
#include <berth/qmqp.h>
#include "qmqpc.h"

static int port (char const *s, uint16_t *p)
{
  if (!*s) { *p = QMQP_PORT ; return 1 ; }
  return *s == ':' && uint160_scan(s + 1, p) && *p ;
}

int qmqpc_server_scan (char const *line, qmqpc_server *srv)
{
  size_t n ;
  if (line[0] == '[')
  {
    char const *end = strchr(line, ']') ;
    if (!end) return 0 ;
    {
      char tmp[end - line] ;
      memcpy(tmp, line + 1, end - line - 1) ;
      tmp[end - line - 1] = 0 ;
      if (ip46_scan(tmp, &srv->ip) != (size_t)(end - line - 1)) return 0 ;
    }
    return port(end + 1, &srv->port) ;
  }
  n = ip46_scan(line, &srv->ip) ;
  if (!n) return 0 ;
  if (ip46_is6(&srv->ip) && line[n]) return 0 ;   /* a port after IPv6 needs the brackets */
  return port(line + n, &srv->port) ;
}
