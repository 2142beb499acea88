/* ISC license. */
/* DNS lookups for remote delivery through the C library resolver, pointed at one explicit
   nameserver (never /etc/resolv.conf's). Trust: answers are untrusted and length-checked. */
#ifndef BERTH_DNS_H
#define BERTH_DNS_H

#include <stdint.h>
#include <resolv.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>

#define DNS_OK 0
#define DNS_NODATA 1       /* the name exists but has no record of that type */
#define DNS_NXDOMAIN 2     /* the name does not exist: permanent */
#define DNS_NULLMX 3       /* RFC 7505 "MX 0 ." */
#define DNS_TEMP (-1)      /* timeout, SERVFAIL, REFUSED, garbled answer: try later */

#define DNS_CNAME_MAX 8
#define DNS_DEFAULT_PORT 53

typedef struct dns_mxrec_s dns_mxrec, *dns_mxrec_ref ;
struct dns_mxrec_s
{
  unsigned int pref ;
  size_t name ;            /* offset of a NUL-terminated name in the caller's stralloc */
} ;

typedef struct dns_addr_s dns_addr, *dns_addr_ref ;
struct dns_addr_s
{
  char ip[16] ;            /* network order; IPv4 in the first 4 bytes */
  unsigned char is6 ;
} ;

/* "1.2.3.4", "1.2.3.4:5353", "::1", "[::1]:5353" -> ip, is6, port. 1 ok, 0 bad syntax. */
extern int dns_server_scan (char const *s, char *ip, int *is6, uint16_t *port) ;

/* The nameserver to ask: $BERTH_DNSSERVER, else control/dnsserver's line (read into sa), else 0 */
extern char const *dns_server_read (stralloc *sa) ;

/* res_ninit, then one nameserver (server 0: keep resolv.conf's), timeout seconds per try, tries. 1 ok, 0 error. */
extern int dns_setup (struct __res_state *rs, char const *server, unsigned int timeout, unsigned int tries) ;

/* DNSSEC: asks with the DO bit and keeps the AD bit of answers (glibc's trust-ad), for a
   validating nameserver the administrator declares trusted. 1 ok, 0 a nameserver is not on a
   loopback address (the AD bit crosses no network). */
extern int dns_trustad (struct __res_state *rs) ;

/* Records of type (ns_t_mx, ns_t_a, ns_t_aaaa, ns_t_tlsa) of name, CNAMEs followed, appended to
   out (dns_mx with names in sa, or dns_addr; TLSA as text in sa, see dns_answer_parse).
   DNS_OK, DNS_NODATA, DNS_NXDOMAIN or DNS_TEMP. *ad (when ad is not 0): every answer on the
   way had the AD bit (meaningful only after dns_trustad). */
extern int dns_query (struct __res_state *rs, char const *name, int type, stralloc *sa, genalloc *out, int *ad) ;

/* Parses one reply buf[0..n) to a query of type: its records appended as dns_query does, *cname
   (NS_MAXDNAME bytes) set to a CNAME target, or "". A TLSA record is appended to sa as
   "usage:selector:mtype:hex\0", a TXT record as its strings joined, then "\0" (out is not used). DNS_OK, DNS_NODATA or DNS_TEMP (garbled). */
extern int dns_answer_parse (unsigned char const *buf, int n, int type, stralloc *sa, genalloc *out, char *cname) ;
/* MX records of name (CNAMEs followed), appended to mxs; names appended to sa.
   A lone "MX 0 ." gives DNS_NULLMX; a "." among other MXes is dropped. */
extern int dns_mx (struct __res_state *rs, char const *name, stralloc *sa, genalloc *mxs, int *ad) ;

/* A (is6 = 0) or AAAA (is6 = 1) records of name (CNAMEs followed), appended to addrs. */
extern int dns_ip (struct __res_state *rs, char const *name, int is6, genalloc *addrs, int *ad) ;

/* TLSA records of _port._tcp.name (RFC 6698 3), appended to sa as dns_answer_parse says */
extern int dns_tlsa (struct __res_state *rs, char const *name, uint16_t port, stralloc *sa, int *ad) ;

/* TXT records of name, each appended to sa as its strings joined, NUL-terminated */
extern int dns_txt (struct __res_state *rs, char const *name, stralloc *sa) ;

/* Sorts by preference; ties in random order. */
extern void dns_mx_sort (dns_mxrec *mxs, size_t n) ;

#endif
