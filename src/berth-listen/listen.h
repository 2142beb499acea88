/* ISC license. */
/* berth-listen's internal interfaces. */
#ifndef BERTH_LISTEN_H
#define BERTH_LISTEN_H

#include <stdint.h>
#include <skalibs/ip46.h>

/* rules.c: 1 allowed (the rule's variables set), 0 denied, -1 unreadable or corrupt cdb */
extern int listen_rules (char const *file, char const *ip) ;

/* env.c: tcpserver's variables for one connection (PROTO, TCPLOCAL*, TCPREMOTE*, TCP6*);
   the remote IP as TCPREMOTEIP shows it into ipstr (IP46_FMT + 1). 1 ok, 0 error. */
extern int listen_env (int conn, char const *localname, char *ipstr, uint16_t *port) ;

#endif
