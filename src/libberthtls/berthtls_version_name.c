/* ISC license. */

/* The SSL_PROTOCOL value for a BearSSL version number, in OpenSSL/mod_ssl spelling. */

#include <bearssl.h>
#include <berth/tls.h>

char const *berthtls_version_name (unsigned int v)
{
  switch (v)
  {
    case BR_TLS12 : return "TLSv1.2" ;
    case BR_TLS11 : return "TLSv1.1" ;
    case BR_TLS10 : return "TLSv1" ;
    default : return "unknown" ;
  }
}
