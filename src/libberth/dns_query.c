/* ISC license. */
/* One lookup, CNAMEs followed. Trust: answers are untrusted, parsed by dns_answer_parse. */

#include <string.h>
#include <strings.h>
#include <netdb.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <berth/dns.h>

#define DNS_ANSWER_MAX 65536

#define DNS_HEADER_LEN 12
#define DNS_FLAGS2 3             /* the header byte with RA, Z, AD, CD and RCODE */
#define DNS_FLAG_AD 0x20

/* One query. Records of type appended; *cname set to the CNAME target of qname if any; *ad
   the reply's AD bit (glibc leaves the reply in buf for NXDOMAIN and NODATA too). */
static int query1 (struct __res_state *rs, char const *qname, int type, stralloc *sa, genalloc *out, char *cname, unsigned char *buf, int *ad)
{
  int n ;
  memset(buf, 0, DNS_HEADER_LEN) ;
  n = res_nquery(rs, qname, ns_c_in, type, buf, DNS_ANSWER_MAX) ;
  *cname = 0 ;
  *ad = !!(buf[DNS_FLAGS2] & DNS_FLAG_AD) ;
  if (n < 0)
  {
    if (rs->res_h_errno == HOST_NOT_FOUND) return DNS_NXDOMAIN ;
    if (rs->res_h_errno == NO_DATA) return DNS_NODATA ;
    return DNS_TEMP ;
  }
  return dns_answer_parse(buf, n, type, sa, out, cname) ;
}

int dns_query (struct __res_state *rs, char const *name, int type, stralloc *sa, genalloc *out, int *ad)
{
  unsigned char buf[DNS_ANSWER_MAX] ;
  char qname[NS_MAXDNAME] ;
  char cname[NS_MAXDNAME] ;
  size_t len = strlen(name) ;
  int secure = 1 ;
  if (ad) *ad = 0 ;
  if (len >= NS_MAXDNAME) return DNS_NXDOMAIN ;
  memcpy(qname, name, len + 1) ;
  for (unsigned int hops = 0 ; hops <= DNS_CNAME_MAX ; hops++)
  {
    int a ;
    int r = query1(rs, qname, type, sa, out, cname, buf, &a) ;
    secure &= a ;
    if (ad) *ad = secure ;
    if (r != DNS_NODATA || !*cname || !strcasecmp(cname, qname)) return r ;
    memcpy(qname, cname, strlen(cname) + 1) ;
  }
  return DNS_TEMP ;
}
