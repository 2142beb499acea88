/* ISC license. */
/* The answer section of one DNS reply: records of the asked type (MX, A, AAAA, TLSA or TXT) and the CNAME
   of the name. Trust: the reply is the network's (through the resolver); glibc's ns_* parser
   bounds every record and name inside the buffer, lengths are checked before copies. */

#include <string.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <skalibs/fmtscan.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/types.h>
#include <berth/dns.h>

#define TLSA_FIXED 3             /* usage, selector, matching type */

/* "usage:selector:mtype:hex\0" */
static int tlsa (ns_rr const *rr, stralloc *sa)
{
  unsigned char const *d = ns_rr_rdata(*rr) ;
  size_t len = ns_rr_rdlen(*rr) ;
  char fmt[UINT_FMT] ;
  for (unsigned int i = 0 ; i < TLSA_FIXED ; i++)
    if (!stralloc_catb(sa, fmt, uint_fmt(fmt, d[i])) || !stralloc_catb(sa, ":", 1)) return 0 ;
  if (!stralloc_readyplus(sa, 2 * (len - TLSA_FIXED) + 1)) return 0 ;
  sa->len += ucharn_fmt(sa->s + sa->len, (char const *)d + TLSA_FIXED, len - TLSA_FIXED) ;
  return stralloc_0(sa) ;
}

/* a TXT record's character-strings, joined (RFC 7208 3.3, RFC 8461 3.1), then "\0"; a
   string running past the record, or a NUL byte in it, makes the record unusable (1, nothing added) */
static int txt (ns_rr const *rr, stralloc *sa)
{
  unsigned char const *d = ns_rr_rdata(*rr) ;
  size_t len = ns_rr_rdlen(*rr), at = sa->len ;
  for (size_t i = 0 ; i < len ; )
  {
    size_t l = d[i++] ;
    if (l > len - i || memchr(d + i, 0, l)) { sa->len = at ; return 1 ; }
    if (!stralloc_catb(sa, (char const *)d + i, l)) return 0 ;
    i += l ;
  }
  return stralloc_0(sa) ;
}

static int unpack (ns_msg *m, unsigned char const *p, char *name)
{
  return ns_name_uncompress(ns_msg_base(*m), ns_msg_end(*m), p, name, NS_MAXDNAME) >= 0 ;
}

int dns_answer_parse (unsigned char const *buf, int n, int type, stralloc *sa, genalloc *out, char *cname)
{
  ns_msg m ;
  unsigned int count ;
  int found = 0 ;
  *cname = 0 ;
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
    if (type == ns_t_txt)
    {
      if (!txt(&rr, sa)) return DNS_TEMP ;
    }
    else if (type == ns_t_tlsa)
    {
      if (ns_rr_rdlen(rr) <= TLSA_FIXED) continue ;   /* no data: unusable */
      if (!tlsa(&rr, sa)) return DNS_TEMP ;
    }
    else if (type == ns_t_mx)
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
