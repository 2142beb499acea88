/* ISC license. */

/* Human-readable text for BearSSL error codes and libberthtls's own codes, for log lines.
   Alerts: BR_ERR_RECV_FATAL_ALERT/BR_ERR_SEND_FATAL_ALERT plus the alert number. */

#include <bearssl.h>
#include <berth/tls.h>

typedef struct errname_s errname, *errname_ref ;
struct errname_s
{
  int code ;
  char const *text ;
} ;

static errname const table[] =
{
  { BR_ERR_BAD_PARAM, "BAD_PARAM" },
  { BR_ERR_BAD_STATE, "BAD_STATE" },
  { BR_ERR_UNSUPPORTED_VERSION, "UNSUPPORTED_VERSION: no common protocol version" },
  { BR_ERR_BAD_VERSION, "BAD_VERSION: unsupported protocol version from peer" },
  { BR_ERR_BAD_LENGTH, "BAD_LENGTH" },
  { BR_ERR_TOO_LARGE, "TOO_LARGE" },
  { BR_ERR_BAD_MAC, "BAD_MAC: bad record MAC" },
  { BR_ERR_NO_RANDOM, "NO_RANDOM: no entropy" },
  { BR_ERR_UNKNOWN_TYPE, "UNKNOWN_TYPE" },
  { BR_ERR_UNEXPECTED, "UNEXPECTED" },
  { BR_ERR_BAD_CCS, "BAD_CCS" },
  { BR_ERR_BAD_ALERT, "BAD_ALERT" },
  { BR_ERR_BAD_HANDSHAKE, "BAD_HANDSHAKE" },
  { BR_ERR_OVERSIZED_ID, "OVERSIZED_ID" },
  { BR_ERR_BAD_CIPHER_SUITE, "BAD_CIPHER_SUITE: no common cipher suite" },
  { BR_ERR_BAD_COMPRESSION, "BAD_COMPRESSION" },
  { BR_ERR_BAD_FRAGLEN, "BAD_FRAGLEN" },
  { BR_ERR_BAD_SECRENEG, "BAD_SECRENEG" },
  { BR_ERR_EXTRA_EXTENSION, "EXTRA_EXTENSION" },
  { BR_ERR_BAD_SNI, "BAD_SNI" },
  { BR_ERR_BAD_HELLO_DONE, "BAD_HELLO_DONE" },
  { BR_ERR_LIMIT_EXCEEDED, "LIMIT_EXCEEDED" },
  { BR_ERR_BAD_FINISHED, "BAD_FINISHED" },
  { BR_ERR_RESUME_MISMATCH, "RESUME_MISMATCH" },
  { BR_ERR_INVALID_ALGORITHM, "INVALID_ALGORITHM" },
  { BR_ERR_BAD_SIGNATURE, "BAD_SIGNATURE" },
  { BR_ERR_WRONG_KEY_USAGE, "WRONG_KEY_USAGE" },
  { BR_ERR_NO_CLIENT_AUTH, "NO_CLIENT_AUTH" },
  { BR_ERR_IO, "IO: I/O error" },
  { BR_ERR_X509_INVALID_VALUE, "X509_INVALID_VALUE" },
  { BR_ERR_X509_TRUNCATED, "X509_TRUNCATED" },
  { BR_ERR_X509_EMPTY_CHAIN, "X509_EMPTY_CHAIN: peer sent no certificate" },
  { BR_ERR_X509_INNER_TRUNC, "X509_INNER_TRUNC" },
  { BR_ERR_X509_BAD_TAG_CLASS, "X509_BAD_TAG_CLASS" },
  { BR_ERR_X509_BAD_TAG_VALUE, "X509_BAD_TAG_VALUE" },
  { BR_ERR_X509_INDEFINITE_LENGTH, "X509_INDEFINITE_LENGTH" },
  { BR_ERR_X509_EXTRA_ELEMENT, "X509_EXTRA_ELEMENT" },
  { BR_ERR_X509_UNEXPECTED, "X509_UNEXPECTED" },
  { BR_ERR_X509_NOT_CONSTRUCTED, "X509_NOT_CONSTRUCTED" },
  { BR_ERR_X509_NOT_PRIMITIVE, "X509_NOT_PRIMITIVE" },
  { BR_ERR_X509_PARTIAL_BYTE, "X509_PARTIAL_BYTE" },
  { BR_ERR_X509_BAD_BOOLEAN, "X509_BAD_BOOLEAN" },
  { BR_ERR_X509_OVERFLOW, "X509_OVERFLOW" },
  { BR_ERR_X509_BAD_DN, "X509_BAD_DN" },
  { BR_ERR_X509_BAD_TIME, "X509_BAD_TIME" },
  { BR_ERR_X509_UNSUPPORTED, "X509_UNSUPPORTED" },
  { BR_ERR_X509_LIMIT_EXCEEDED, "X509_LIMIT_EXCEEDED" },
  { BR_ERR_X509_WRONG_KEY_TYPE, "X509_WRONG_KEY_TYPE" },
  { BR_ERR_X509_BAD_SIGNATURE, "X509_BAD_SIGNATURE: bad certificate signature" },
  { BR_ERR_X509_TIME_UNKNOWN, "X509_TIME_UNKNOWN" },
  { BR_ERR_X509_EXPIRED, "X509_EXPIRED: certificate expired or not yet valid" },
  { BR_ERR_X509_DN_MISMATCH, "X509_DN_MISMATCH" },
  { BR_ERR_X509_BAD_SERVER_NAME, "X509_BAD_SERVER_NAME: certificate does not match the server name" },
  { BR_ERR_X509_CRITICAL_EXTENSION, "X509_CRITICAL_EXTENSION" },
  { BR_ERR_X509_NOT_CA, "X509_NOT_CA: an intermediate certificate is not a CA" },
  { BR_ERR_X509_FORBIDDEN_KEY_USAGE, "X509_FORBIDDEN_KEY_USAGE" },
  { BR_ERR_X509_WEAK_PUBLIC_KEY, "X509_WEAK_PUBLIC_KEY: public key too weak" },
  { BR_ERR_X509_NOT_TRUSTED, "X509_NOT_TRUSTED: certificate chain not trusted by any trust anchor" },
  { BERTHTLS_ERR_NOPEM, "no PEM object in file" },
  { BERTHTLS_ERR_PEM, "malformed PEM" },
  { BERTHTLS_ERR_NOCERT, "no CERTIFICATE in file" },
  { BERTHTLS_ERR_NOKEY, "no RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY in file" },
  { BERTHTLS_ERR_ENCRYPTED, "encrypted private keys are not supported" },
  { BERTHTLS_ERR_MISMATCH, "private key does not match the certificate" },
  { BERTHTLS_ERR_KEYTYPE, "unsupported key type, size or curve" },
  { BERTHTLS_ERR_TOOLARGE, "file too large" },
  { BERTHTLS_ERR_NOTA, "no trust anchor found" },
  { BERTHTLS_ERR_STALLED, "TLS engine stalled" },
  { BERTHTLS_ERR_TLSA_MISMATCH, "TLSA_MISMATCH: no TLSA record matches the server's certificates" },
} ;

char const *berthtls_error_str (int e)
{
  if (e >= BR_ERR_SEND_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT + 256) return "sent a fatal alert to the peer" ;
  if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_RECV_FATAL_ALERT + 256) return "received a fatal alert from the peer" ;
  for (size_t i = 0 ; i < sizeof table / sizeof *table ; i++)
    if (table[i].code == e) return table[i].text ;
  return "unknown error" ;
}
