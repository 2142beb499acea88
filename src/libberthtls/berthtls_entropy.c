/* ISC license. */

/* Seeds the engine's PRNG from skalibs' random_buf (getrandom), on top of BearSSL's own seeder. */

#include <string.h>
#include <bearssl.h>
#include <skalibs/random.h>
#include <berth/tls.h>

void berthtls_entropy (br_ssl_engine_context *eng)
{
  char buf[32] ;
  random_buf(buf, sizeof buf) ;
  br_ssl_engine_inject_entropy(eng, buf, sizeof buf) ;
  memset(buf, 0, sizeof buf) ;
}
