/* ISC license. */
/* libFuzzer target: PEM files and the keys and certificates in them, as berth-tlsd and
   berth-tlsc load them: berthtls_cred_load (certificate chain and private key from the same
   file, then berthtls_key_match) and berthtls_ta_load (trust anchors), both through
   berthtls_pem_read. The input is a memory file opened by name. Checks: no crash, no leak, the
   loaders' return convention (0, -1, or a code berthtls_error_str names). */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <skalibs/genalloc.h>
#include <berth/tls.h>

static int fd = -1 ;
static char fn[64] ;

static void ta_free (genalloc *g)
{
  br_x509_trust_anchor *t = genalloc_s(br_x509_trust_anchor, g) ;
  size_t n = genalloc_len(br_x509_trust_anchor, g) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    free(t[i].dn.data) ;
    if (t[i].pkey.key_type == BR_KEYTYPE_RSA) { free(t[i].pkey.key.rsa.n) ; free(t[i].pkey.key.rsa.e) ; }
    else free(t[i].pkey.key.ec.q) ;
  }
  genalloc_free(br_x509_trust_anchor, g) ;
}

static void checkcode (int e)
{
  if (e < -1 || (e > 0 && !berthtls_error_str(e))) abort() ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  berthtls_cred c ;
  genalloc tas = GENALLOC_ZERO ;
  int e ;
  if (fd < 0)
  {
    fd = memfd_create("berth-fuzz-pem", 0) ;
    if (fd < 0) abort() ;
    snprintf(fn, sizeof fn, "/proc/self/fd/%d", fd) ;
  }
  if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) abort() ;
  memset(&c, 0, sizeof c) ;
  e = berthtls_cred_load(&c, fn, fn) ;
  checkcode(e) ;
  if (c.chain)
  {
    for (size_t i = 0 ; i < c.chainlen ; i++) free(c.chain[i].data) ;
    free(c.chain) ;
  }
  e = berthtls_ta_load(&tas, fn) ;
  checkcode(e) ;
  ta_free(&tas) ;
  return 0 ;
}
