/* ISC license. */

/* The server's cipher suites, from TLS_SUITES (trusted configuration: a run script copies it from
   control/tlssuites). Unset or empty: forward-secret AEAD suites only (ECDHE with AES-GCM or
   ChaCha20-Poly1305), server preference in this order. "compat": those, then ECDHE with CBC, then
   static RSA, for peers too old for the default. Otherwise IANA names (TLS_ECDHE_RSA_WITH_...)
   separated by spaces, commas or colons, in preference order. Returns the count, 0 on an unknown
   name (errno EINVAL) or a list longer than max (ERANGE). */

#include <errno.h>
#include <string.h>
#include <bearssl.h>
#include <berth/tls.h>

static uint16_t const aead[] =
{
  BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
  BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
  BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
  BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
} ;

static uint16_t const old[] =
{
  BR_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
  BR_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
  BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
  BR_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
  BR_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
  BR_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
  BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
  BR_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
  BR_TLS_RSA_WITH_AES_256_GCM_SHA384,
  BR_TLS_RSA_WITH_AES_128_GCM_SHA256,
  BR_TLS_RSA_WITH_AES_256_CBC_SHA256,
  BR_TLS_RSA_WITH_AES_128_CBC_SHA256,
  BR_TLS_RSA_WITH_AES_256_CBC_SHA,
  BR_TLS_RSA_WITH_AES_128_CBC_SHA,
} ;

#define NAUTO (sizeof aead / sizeof *aead)
#define NOLD (sizeof old / sizeof *old)

size_t berthtls_server_suites (char const *spec, uint16_t *out, size_t max)
{
  size_t n = 0 ;
  if (!spec || !spec[strspn(spec, " \t\n,:")] || !strcmp(spec, "compat"))
  {
    int compat = spec && !strcmp(spec, "compat") ;
    if (max < NAUTO + (compat ? NOLD : 0)) return (errno = ERANGE, 0) ;
    memcpy(out, aead, sizeof aead) ;
    if (compat) memcpy(out + NAUTO, old, sizeof old) ;
    return NAUTO + (compat ? NOLD : 0) ;
  }
  while (*spec)
  {
    size_t len ;
    spec += strspn(spec, " \t\n,:") ;
    len = strcspn(spec, " \t\n,:") ;
    if (!len) break ;
    {
      char name[len + 1] ;
      memcpy(name, spec, len) ; name[len] = 0 ;
      if (n >= max) return (errno = ERANGE, 0) ;
      if (!berthtls_suite_id(name, out + n)) return (errno = EINVAL, 0) ;
      n++ ;
    }
    spec += len ;
  }
  return n ? n : (errno = EINVAL, 0) ;
}
