/* ISC license. */
/* Table-driven tests of base64_decode (src/libberth/base64_decode.c): RFC 4648 section 10
   vectors, SMTP AUTH strings, and malformed inputs that must be refused. */

#include <string.h>
#include <berth/base64.h>
#include "tap.h"

struct bcase
{
  char const *in ;
  ssize_t outlen ;        /* -1: refused */
  char const *out ;
} ;

#define B(in, outlen, out) { in, outlen, out }

static struct bcase const cases[] =
{
  B("", 0, ""),
  B("Zg==", 1, "f"),
  B("Zm8=", 2, "fo"),
  B("Zm9v", 3, "foo"),
  B("Zm9vYg==", 4, "foob"),
  B("Zm9vYmE=", 5, "fooba"),
  B("Zm9vYmFy", 6, "foobar"),
  B("AHRlc3QAc2VjcmV0", 12, "\0test\0secret"),
  B("dXNlcgB1c2VyAHB3", 12, "user\0user\0pw"),
  B("VXNlcm5hbWU6", 9, "Username:"),
  B("UGFzc3dvcmQ6", 9, "Password:"),
  B("+/+/", 3, "\xfb\xff\xbf"),
  B("AAAA", 3, "\0\0\0"),
  B("////", 3, "\xff\xff\xff"),
  B("Zg", -1, 0),
  B("Zg=", -1, 0),
  B("Zm9vY", -1, 0),
  B("Zg==Zg==", -1, 0),
  B("Z===", -1, 0),
  B("====", -1, 0),
  B("Zh==", -1, 0),
  B("Zm9=", -1, 0),
  B("Zm9v\r\n", -1, 0),
  B("Zm 9v", -1, 0),
  B("Zm9v-_==", -1, 0),
  B("Zm=v", -1, 0),
  B("*", -1, 0),
  B("Zm9\x80", -1, 0),
} ;

int main (void)
{
  size_t i = 0 ;
  size_t n = sizeof cases / sizeof *cases ;
  TAP_PLAN(n) ;
  for (; i < n ; i++)
  {
    struct bcase const *c = cases + i ;
    size_t len = strlen(c->in) ;
    char out[BASE64_DECODED_MAX(sizeof "Zm9vYmFyZm9vYmFy") + 8] ;
    ssize_t r = base64_decode(out, c->in, len) ;
    TAP_OK(r == c->outlen && (r < 0 || !memcmp(out, c->out, r)), "base64_decode case %zu (%s)", i, c->outlen < 0 ? "refused" : c->out) ;
  }
  return TAP_DONE() ;
}
