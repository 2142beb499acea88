/* ISC license. */
/* Table-driven tests of sslenv_filter: only SSL_* records of a TLS engine's handshake info may
   reach the environment a root parent execs its program with (berth-tlsd -i). */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/sslenv.h>
#include "tap.h"

#define L(s) s, sizeof(s) - 1
struct fcase { char const *in ; size_t len ; char const *out ; size_t outlen ; int dropped ; char const *what ; } ;
static struct fcase const cases[] =
{
  { L("SSL_PROTOCOL=TLSv1.3\0SSL_CIPHER=TLS_AES_128_GCM_SHA256\0"), L("SSL_PROTOCOL=TLSv1.3\0SSL_CIPHER=TLS_AES_128_GCM_SHA256\0"), 0, "an honest engine's info passes whole" },
  { L("SSL_TLS_SNI_SERVERNAME\0"), L("SSL_TLS_SNI_SERVERNAME\0"), 0, "a name alone (unset) passes" },
  { L("LD_PRELOAD=/tmp/x.so\0SSL_PROTOCOL=TLSv1.2\0"), L("SSL_PROTOCOL=TLSv1.2\0"), 1, "LD_PRELOAD is dropped" },
  { L("PATH=/tmp\0LD_LIBRARY_PATH=/tmp\0GCONV_PATH=/tmp\0"), "", 0, 3, "PATH, LD_LIBRARY_PATH, GCONV_PATH dropped" },
  { L("SSL_=x\0SSL\0ssl_cipher=x\0SSL_a=1\0SSL_X-Y=1\0SSL_X Y=1\0"), "", 0, 6, "malformed SSL names dropped" },
  { L("=SSL_X\0SSL_VERIFIED=0\0"), L("SSL_VERIFIED=0\0"), 1, "a record with an empty name dropped" },
  { L("SSL_CIPHER=a=b\0"), L("SSL_CIPHER=a=b\0"), 0, "a value may hold =" },
  { L("SSL_PROTOCOL=x\0LD_AUDIT=y"), L("SSL_PROTOCOL=x\0"), 1, "an unterminated last record is checked too" },
  { L("\0\0\0"), "", 0, 0, "empty records ignored" },
} ;

int main (void)
{
  TAP_PLAN(2 * (sizeof cases / sizeof *cases)) ;
  for (size_t i = 0 ; i < sizeof cases / sizeof *cases ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    int r = sslenv_filter(&sa, cases[i].in, cases[i].len) ;
    TAP_OK(r == cases[i].dropped, "%s: %d dropped", cases[i].what, r) ;
    TAP_OK(sa.len == cases[i].outlen && (!sa.len || !memcmp(sa.s, cases[i].out, sa.len)), "%s: output", cases[i].what) ;
    stralloc_free(&sa) ;
  }
  return TAP_DONE() ;
}
