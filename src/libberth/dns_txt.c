/* ISC license. */
/* TXT records of a name (MTA-STS's _mta-sts record, RFC 8461 3.1). Trust: the answer is
   untrusted; dns_answer_parse bounds each string inside its record. */

#include <berth/dns.h>
#include <arpa/nameser.h>

int dns_txt (struct __res_state *rs, char const *name, stralloc *sa)
{
  return dns_query(rs, name, ns_t_txt, sa, 0, 0) ;
}
