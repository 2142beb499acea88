/* ISC license. */
/* Relay control as qmail-smtpd does it: rcpthosts with .domain wildcards, morercpthosts.cdb,
   badmailfrom with @host entries, and [ip] literals naming this host.
   Trust: the addresses come from the peer (already parsed); the lists from the admin. */

#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/cdb.h>
#include <skalibs/fmtscan.h>
#include <skalibs/stralloc.h>
#include <berth/rcpthosts.h>
#include <berth/smtpd.h>

#define IP6_TAG_LEN 5

/* qmail's rcpthosts.c: the domain itself, then every ".suffix" of it. */
int smtpd_rcpthosts (smtpd const *s, char const *domain, size_t len)
{
  return rcpthosts_match(&s->rcpthosts, s->hasmore ? &s->morercpthosts : 0, domain, len) ;
}

/* qmail's bmcheck: the whole address, then "@domain". */
int smtpd_badmailfrom (smtpd const *s, char const *addr, size_t len)
{
  char const *at ;
  if (!s->badmailfrom.len || !len) return 0 ;
  if (rcpthosts_inlist(&s->badmailfrom, addr, len)) return 1 ;
  at = memrchr(addr, '@', len) ;
  return at && rcpthosts_inlist(&s->badmailfrom, at, len - (at - addr)) ;
}

/* Is "[lit]" one of this host's addresses (as tcpserver reports it in TCPLOCALIP)? */
int smtpd_literal_local (smtpd const *s, char const *lit, size_t len)
{
  char a[16], b[16] ;
  char tmp[len + 1] ;
  if (!s->localip || len < 3) return 0 ;
  memcpy(tmp, lit + 1, len - 2) ; tmp[len - 2] = 0 ;
  if (!case_diffb(tmp, IP6_TAG_LEN, "IPv6:"))
  {
    if (ip6_scan(tmp + IP6_TAG_LEN, a) != len - 2 - IP6_TAG_LEN) return 0 ;
    if (ip6_scan(s->localip, b) != strlen(s->localip))
    {
      if (ip4_scan(s->localip, b + 12) != strlen(s->localip)) return 0 ;
      memcpy(b, "\0\0\0\0\0\0\0\0\0\0\377\377", 12) ;
    }
    return !memcmp(a, b, 16) ;
  }
  if (ip4_scan(tmp, a) != len - 2) return 0 ;
  if (ip4_scan(s->localip, b) == strlen(s->localip)) return !memcmp(a, b, 4) ;
  if (ip6_scan(s->localip, b) == strlen(s->localip))
    return !memcmp(b, "\0\0\0\0\0\0\0\0\0\0\377\377", 12) && !memcmp(a, b + 12, 4) ;
  return 0 ;
}
