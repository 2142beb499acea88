/* ISC license. */

/* Formats the handshake info as `VAR=value\0...\0` (UCSPI-TLS / s6 style; a bare `VAR\0`
   means "unset"). The server SNI value is client-supplied: BearSSL limits it to 255 bytes. */

#include <string.h>
#include <bearssl.h>
#include <skalibs/stralloc.h>
#include <skalibs/fmtscan.h>
#include <skalibs/uint16.h>
#include <berth/tls.h>

#define catlit(sa, s) stralloc_catb(sa, s, sizeof(s) - 1)

static int add_common (br_ssl_engine_context const *eng, stralloc *sa)
{
  br_ssl_session_parameters p ;
  char const *name ;
  char hex[5] ;
  br_ssl_engine_get_session_parameters(eng, &p) ;
  memset(p.master_secret, 0, sizeof p.master_secret) ;
  name = berthtls_suite_name(p.cipher_suite) ;
  if (!stralloc_cats(sa, "SSL_PROTOCOL=")
   || !stralloc_cats(sa, berthtls_version_name(br_ssl_engine_get_version(eng)))
   || !catlit(sa, "\0SSL_CIPHER=")) return 0 ;
  if (name) return stralloc_cats(sa, name) && stralloc_0(sa) ;
  hex[uint16_xfmt(hex, p.cipher_suite)] = 0 ;
  return stralloc_cats(sa, "0x") && stralloc_cats(sa, hex) && stralloc_0(sa) ;
}

int berthtls_info_server (br_ssl_engine_context const *eng, stralloc *sa)
{
  char const *sni = br_ssl_engine_get_server_name(eng) ;
  if (!add_common(eng, sa)) return 0 ;
  if (sni && sni[0])
  {
    size_t n = strlen(sni) ;
    for (size_t i = 0 ; i < n ; i++)
      if ((unsigned char)sni[i] <= ' ' || sni[i] == 0x7f) return catlit(sa, "SSL_TLS_SNI_SERVERNAME\0\0") ;
    return stralloc_cats(sa, "SSL_TLS_SNI_SERVERNAME=") && stralloc_catb(sa, sni, n) && catlit(sa, "\0\0") ;
  }
  return catlit(sa, "SSL_TLS_SNI_SERVERNAME\0\0") ;
}

int berthtls_info_client (br_ssl_engine_context const *eng, berthtls_x509 const *x, stralloc *sa)
{
  char hex[65] ;
  for (size_t i = 0 ; i < 32 ; i++)
  {
    hex[2*i] = fmtscan_asc(x->eehash[i] >> 4) ;
    hex[2*i+1] = fmtscan_asc(x->eehash[i] & 15) ;
  }
  hex[64] = 0 ;
  return add_common(eng, sa)
   && stralloc_cats(sa, x->err ? "SSL_VERIFIED=0" : "SSL_VERIFIED=1")
   && catlit(sa, "\0SSL_PEER_CERT_HASH=SHA256:")
   && stralloc_catb(sa, hex, 64)
   && (!x->dane || !x->dane->matched
       || (x->dane->matched == BERTHTLS_DANE_EE ? catlit(sa, "\0SSL_DANE=DANE-EE") : catlit(sa, "\0SSL_DANE=DANE-TA")))
   && catlit(sa, "\0\0") ;
}
