/* ISC license. */
/* dns_answer_parse on TLSA answers (RFC 6698 2.1): each record as "usage:selector:mtype:hex",
   a record without association data skipped, other types ignored, a truncated reply refused. */

#include <string.h>
#include <arpa/nameser.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <berth/dns.h>
#include "tap.h"

#define PTR_QNAME 0xc0, 0x0c
#define RR(type, len) PTR_QNAME, 0, type, 0, 1, 0, 0, 0, 60, 0, len

static unsigned char const reply[] =
{
  0, 1, 0x81, 0xa0, 0, 1, 0, 4, 0, 0, 0, 0,   /* id, QR RD RA AD, 1 question, 4 answers */
  3, '_', '2', '5', 4, '_', 't', 'c', 'p', 2, 'm', 'x', 4, 't', 'e', 's', 't', 0, 0, 52, 0, 1,
  RR(52, 7), 3, 1, 1, 0x0a, 0x0b, 0xfc, 0xfd,
  RR(52, 3), 2, 0, 1,                          /* no association data: skipped */
  RR(1, 4), 127, 0, 0, 1,                      /* an A record: not asked for */
  RR(52, 4), 1, 1, 1, 0xff                     /* PKIX-EE: parsed; berth-remote drops it */
} ;

int main (void)
{
  stralloc sa = STRALLOC_ZERO ;
  genalloc out = GENALLOC_ZERO ;
  char cname[NS_MAXDNAME] ;
  static char const want[] = "3:1:1:0a0bfcfd\0" "1:1:1:ff" ;
  int r ;
  TAP_PLAN(4) ;
  r = dns_answer_parse(reply, sizeof reply, ns_t_tlsa, &sa, &out, cname) ;
  TAP_OK(r == DNS_OK, "TLSA answer parsed") ;
  TAP_OK(sa.len == sizeof want && !memcmp(sa.s, want, sizeof want), "TLSA records as text, the empty one skipped, the A record ignored") ;
  TAP_OK(!genalloc_len(char, &out) && !cname[0], "nothing else appended, no CNAME") ;
  sa.len = 0 ;
  r = dns_answer_parse(reply, sizeof reply - 2, ns_t_tlsa, &sa, &out, cname) ;
  TAP_OK(r == DNS_TEMP, "a truncated reply is refused") ;
  stralloc_free(&sa) ;
  return TAP_DONE() ;
}
