/* ISC license. */

#include <string.h>
#include <strings.h>
#include <netdb.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <berth/dns.h>

#define DNS_ANSWER_MAX 65536

static int unpack (ns_msg *m, unsigned char const *p, char *name)
{
  return ns_name_uncompress(ns_msg_base(*m), ns_msg_end(*m), p, name, NS_MAXDNAME) >= 0 ;
}

/* One query. Records of type appended; *cname set to the CNAME target of qname if any. */
static int query1 (struct __res_state *rs, char const *qname, int type, stralloc *sa, genalloc *out, char *cname, unsigned char *buf)
{
  ns_msg m ;
  int n = res_nquery(rs, qname, ns_c_in, type, buf, DNS_ANSWER_MAX) ;
  unsigned int count ;
  int found = 0 ;
  *cname = 0 ;
  if (n < 0)
  {
    if (rs->res_h_errno == HOST_NOT_FOUND) return DNS_NXDOMAIN ;
    if (rs->res_h_errno == NO_DATA) return DNS_NODATA ;
    return DNS_TEMP ;
  }
  if (ns_initparse(buf, n, &m) < 0) return DNS_TEMP ;
  count = ns_msg_count(m, ns_s_an) ;
  for (unsigned int i = 0 ; i < count ; i++)
  {
    ns_rr rr ;
    char name[NS_MAXDNAME] ;
    if (ns_parserr(&m, ns_s_an, i, &rr) < 0) return DNS_TEMP ;
    if (ns_rr_class(rr) != ns_c_in) continue ;
    if (ns_rr_type(rr) == ns_t_cname)
    {
      if (!unpack(&m, ns_rr_rdata(rr), name)) return DNS_TEMP ;
      memcpy(cname, name, strlen(name) + 1) ;
      continue ;
    }
    if ((int)ns_rr_type(rr) != type) continue ;
    if (type == ns_t_mx)
    {
      dns_mxrec mx ;
      if (ns_rr_rdlen(rr) < 3) return DNS_TEMP ;
      if (!unpack(&m, ns_rr_rdata(rr) + 2, name)) return DNS_TEMP ;
      mx.pref = ns_get16(ns_rr_rdata(rr)) ;
      mx.name = sa->len ;
      if (!stralloc_cats(sa, name) || !stralloc_0(sa)) return DNS_TEMP ;
      if (!genalloc_append(dns_mxrec, out, &mx)) return DNS_TEMP ;
    }
    else
    {
      dns_addr a ;
      size_t len = type == ns_t_aaaa ? 16 : 4 ;
      if (ns_rr_rdlen(rr) != len) continue ;
      memset(&a, 0, sizeof a) ;
      memcpy(a.ip, ns_rr_rdata(rr), len) ;
      a.is6 = type == ns_t_aaaa ;
      if (!genalloc_append(dns_addr, out, &a)) return DNS_TEMP ;
    }
    found = 1 ;
  }
  return found ? DNS_OK : DNS_NODATA ;
}

int dns_query (struct __res_state *rs, char const *name, int type, stralloc *sa, genalloc *out)
{
  unsigned char buf[DNS_ANSWER_MAX] ;
  char qname[NS_MAXDNAME] ;
  char cname[NS_MAXDNAME] ;
  size_t len = strlen(name) ;
  if (len >= NS_MAXDNAME) return DNS_NXDOMAIN ;
  memcpy(qname, name, len + 1) ;
  for (unsigned int hops = 0 ; hops <= DNS_CNAME_MAX ; hops++)
  {
    int r = query1(rs, qname, type, sa, out, cname, buf) ;
    if (r != DNS_NODATA || !*cname || !strcasecmp(cname, qname)) return r ;
    memcpy(qname, cname, strlen(cname) + 1) ;
  }
  return DNS_TEMP ;
}
