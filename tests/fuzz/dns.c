/* ISC license. */
/* libFuzzer target: DNS replies as berth-remote reads them (dns_answer_parse: MX, A, AAAA,
   TLSA and TXT records, CNAMEs). The first byte picks the query type, the rest is the reply. Checks: every MX
   name is NUL-terminated inside the names, the CNAME is a string of less than NS_MAXDNAME, only
   DNS_OK/NODATA/TEMP come back, DNS_NODATA appends nothing, addresses have the asked family,
   TLSA and TXT records are whole NUL-terminated texts. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/nameser.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/dns.h>

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static int const types[5] = { ns_t_mx, ns_t_a, ns_t_aaaa, ns_t_tlsa, ns_t_txt } ;
  stralloc sa = STRALLOC_ZERO ;
  genalloc out = GENALLOC_ZERO ;
  char cname[NS_MAXDNAME] ;
  int type, r ;
  if (!size || size > 65536) return 0 ;
  type = types[data[0] % 5] ;
  r = dns_answer_parse(data + 1, size - 1, type, type == ns_t_mx || type == ns_t_tlsa || type == ns_t_txt ? &sa : 0, &out, cname) ;
  if ((type == ns_t_tlsa || type == ns_t_txt) && sa.len && sa.s[sa.len - 1]) abort() ;
  if (r != DNS_OK && r != DNS_NODATA && r != DNS_TEMP) abort() ;
  if (!memchr(cname, 0, sizeof cname)) abort() ;
  if (r == DNS_NODATA && genalloc_len(char, &out)) abort() ;
  if (type == ns_t_mx)
  {
    dns_mxrec const *m = genalloc_s(dns_mxrec, &out) ;
    size_t n = genalloc_len(dns_mxrec, &out) ;
    for (size_t i = 0 ; i < n ; i++)
      if (m[i].name >= sa.len || !memchr(sa.s + m[i].name, 0, sa.len - m[i].name) || m[i].pref > 65535) abort() ;
    if (n) dns_mx_sort(genalloc_s(dns_mxrec, &out), n) ;
  }
  else
  {
    dns_addr const *a = genalloc_s(dns_addr, &out) ;
    size_t n = genalloc_len(dns_addr, &out) ;
    for (size_t i = 0 ; i < n ; i++) if (a[i].is6 != (type == ns_t_aaaa)) abort() ;
  }
  genalloc_free(char, &out) ;
  stralloc_free(&sa) ;
  return 0 ;
}
