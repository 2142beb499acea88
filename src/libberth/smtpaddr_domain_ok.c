/* ISC license. */

#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/fmtscan.h>
#include <berth/smtpaddr.h>

#define LABEL_MAX 63
#define DOMAIN_MAX 255
#define IP6_TAG "IPv6:"

static int ldh (unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ;
}

/* Dotted quad, each part 0-255 without leading zeros: stricter than ip4_scan. */
static int ip4_ok (char const *s)
{
  unsigned int parts = 0 ;
  while (parts < 4)
  {
    unsigned int v = 0, n = 0 ;
    while (s[n] >= '0' && s[n] <= '9' && n < 4) v = v * 10 + (s[n++] - '0') ;
    if (!n || n > 3 || v > 255 || (n > 1 && s[0] == '0')) return 0 ;
    s += n ; parts++ ;
    if (parts < 4) { if (*s != '.') return 0 ; s++ ; }
  }
  return !*s ;
}

static int literal_ok (char const *s, size_t len)
{
  char ip[16] ;
  char tmp[DOMAIN_MAX + 1] ;
  if (len < 3 || len > DOMAIN_MAX || s[len-1] != ']') return 0 ;
  memcpy(tmp, s + 1, len - 2) ; tmp[len-2] = 0 ;
  if (memchr(tmp, 0, len - 2)) return 0 ;
  if (len - 2 > sizeof(IP6_TAG) - 1 && !case_diffb(tmp, sizeof(IP6_TAG) - 1, IP6_TAG))
    return ip6_scan(tmp + sizeof(IP6_TAG) - 1, ip) == len - 2 - (sizeof(IP6_TAG) - 1) ;
  return ip4_ok(tmp) ;
}

int smtpaddr_domain_ok (char const *s, size_t len, int *literal)
{
  size_t i, label = 0 ;
  *literal = 0 ;
  if (!len) return 0 ;
  if (s[0] == '[') { *literal = 1 ; return literal_ok(s, len) ; }
  if (len > DOMAIN_MAX) return 0 ;
  for (i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c == '.')
    {
      if (!label || s[i-1] == '-') return 0 ;
      label = 0 ;
    }
    else if (c == '-') { if (!label) return 0 ; label++ ; }
    else if (ldh(c)) label++ ;
    else return 0 ;
    if (label > LABEL_MAX) return 0 ;
  }
  return label && s[len-1] != '-' ;
}
