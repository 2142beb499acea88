/* ISC license. */
/* berth-mtasts: one policy fetched over HTTPS (fetch.c) and the HTTP reply read (http.c).
   Trust: the policy server is the network's; everything it sends is bounded and parsed. */
#ifndef BERTH_MTASTS_FETCH_H
#define BERTH_MTASTS_FETCH_H

#include <skalibs/stralloc.h>

#define HTTPS_PORT 443
#define HTTP_HEAD_MAX 8192
#define WELL_KNOWN "/.well-known/mta-sts.txt"

/* GET https://mta-sts.DOMAIN/.well-known/mta-sts.txt: the whole reply (headers and body, at most
   HTTP_HEAD_MAX + MTASTS_POLICY_MAX bytes) into reply. 1 ok, 0 failed (*why set). */
extern int mtasts_fetch (char const *domain, char const *anchors, unsigned int secs, stralloc *reply, char const **why) ;

/* reply -> the body of a 200 text/plain answer (chunked decoded) into body. 1 ok, 0 not (*why). */
extern int mtasts_http_body (stralloc const *reply, stralloc *body, char const **why) ;

#endif
