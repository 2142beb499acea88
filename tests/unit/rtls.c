/* ISC license. */
/* Table-driven tests of the libberth pieces berth-remote's TLS and AUTH use: base64_encode
   (RFC 4648 section 10 vectors, round trips through base64_decode), AUTH mechanisms in
   smtpc_ehlo_line, and control_mapfind (control/tlspolicy and control/smtpauth lookups). */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/base64.h>
#include <berth/control.h>
#include <berth/smtpc.h>
#include "tap.h"

struct ecase { char const *in ; size_t len ; char const *out ; } ;
static struct ecase const enc[] =
{
  { "", 0, "" },
  { "f", 1, "Zg==" },
  { "fo", 2, "Zm8=" },
  { "foo", 3, "Zm9v" },
  { "foob", 4, "Zm9vYg==" },
  { "fooba", 5, "Zm9vYmE=" },
  { "foobar", 6, "Zm9vYmFy" },
  { "\0test\0secret", 12, "AHRlc3QAc2VjcmV0" },
  { "\xfb\xff\xbf", 3, "+/+/" },
} ;

struct acase { char const *line ; unsigned int flags ; } ;
static struct acase const auth[] =
{
  { "AUTH PLAIN LOGIN", SMTPC_AUTH_PLAIN | SMTPC_AUTH_LOGIN },
  { "AUTH LOGIN", SMTPC_AUTH_LOGIN },
  { "auth cram-md5 plain", SMTPC_AUTH_PLAIN },
  { "AUTH=LOGIN", SMTPC_AUTH_LOGIN },
  { "AUTH PLAINX LOGINS", 0 },
  { "AUTH", 0 },
  { "AUTHPLAIN", 0 },
  { "STARTTLS", SMTPC_STARTTLS },
} ;

/* "key:value" lines, NUL-separated, as control_readlines gives them */
static char const map[] = "example.com:verify\0.example.net:encrypt\0[192.0.2.1]:none\0"
  "[IPv6:2001:db8::1]:verify:name=x\0*:may\0mx.example.org:user:pa:ss\0" ;

struct mcase { char const *key ; int suffixes ; char const *value ; } ;
static struct mcase const find[] =
{
  { "example.com", 1, "verify" },
  { "EXAMPLE.COM", 1, "verify" },
  { "a.example.com", 1, "may" },
  { "a.example.net", 1, "encrypt" },
  { "example.net", 1, "may" },
  { "[192.0.2.1]", 1, "none" },
  { "[192.0.2.2]", 1, "may" },
  { "[IPv6:2001:db8::1]", 1, "verify:name=x" },
  { "mx.example.org", 0, "user:pa:ss" },
  { "a.example.com", 0, 0 },
  { "other.test", 0, 0 },
} ;

int main (void)
{
  size_t ne = sizeof enc / sizeof *enc, na = sizeof auth / sizeof *auth, nf = sizeof find / sizeof *find ;
  TAP_PLAN(2 * ne + na + nf) ;
  for (size_t i = 0 ; i < ne ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    char back[32] ;
    ssize_t r ;
    int ok = base64_encode(&sa, enc[i].in, enc[i].len) ;
    TAP_OK(ok && sa.len == strlen(enc[i].out) && !memcmp(sa.s, enc[i].out, sa.len), "base64_encode case %zu (%s)", i, enc[i].out) ;
    r = ok ? base64_decode(back, sa.s, sa.len) : -1 ;
    TAP_OK(r == (ssize_t)enc[i].len && !memcmp(back, enc[i].in, r), "base64_decode(base64_encode) case %zu", i) ;
    stralloc_free(&sa) ;
  }
  for (size_t i = 0 ; i < na ; i++)
  {
    smtpc_caps caps = SMTPC_CAPS_ZERO ;
    smtpc_ehlo_line(&caps, auth[i].line, strlen(auth[i].line)) ;
    TAP_OK(caps.flags == auth[i].flags, "smtpc_ehlo_line \"%s\": flags 0x%x, expected 0x%x", auth[i].line, caps.flags, auth[i].flags) ;
  }
  for (size_t i = 0 ; i < nf ; i++)
  {
    char const *v = control_mapfind(map, sizeof map - 1, find[i].key, find[i].suffixes) ;
    TAP_OK(find[i].value ? v && !strcmp(v, find[i].value) : !v, "control_mapfind %s%s: %s", find[i].key, find[i].suffixes ? " (suffixes)" : "", v ? v : "none") ;
  }
  return TAP_DONE() ;
}
