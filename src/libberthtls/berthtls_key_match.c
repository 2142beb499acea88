/* ISC license. */

/* Compares the public key in a certificate with the one derived from a private key.
   Returns 0 when they match, BERTHTLS_ERR_MISMATCH when not, another code if unusable. */

#include <string.h>
#include <bearssl.h>
#include <berth/tls.h>

#define RSA_MAX_BYTES 512   /* BearSSL's largest RSA key, 4096 bits (BR_MAX_RSA_SIZE is internal) */

static void strip (unsigned char const **s, size_t *len)
{
  while (*len && !**s) { (*s)++ ; (*len)-- ; }
}

static int same (unsigned char const *a, size_t alen, unsigned char const *b, size_t blen)
{
  strip(&a, &alen) ; strip(&b, &blen) ;
  return alen == blen && !memcmp(a, b, alen) ;
}

/* BearSSL's compute_modulus gives up on some key sizes it can sign with (its i31 scratch buffer
   is too small for 4096-bit keys): then a signature made with the key must verify with the
   certificate's public key. */
static int rsa_match_by_signature (br_rsa_public_key const *pk, br_rsa_private_key const *sk)
{
  static unsigned char const hash[br_sha256_SIZE] = "berth key match test hash value" ;
  unsigned char out[br_sha256_SIZE] ;
  size_t siglen = (sk->n_bitlen + 7) >> 3 ;
  if (!siglen || siglen > RSA_MAX_BYTES) return BERTHTLS_ERR_KEYTYPE ;
  {
    unsigned char sig[siglen] ;
    if (!br_rsa_pkcs1_sign_get_default()(BR_HASH_OID_SHA256, hash, sizeof hash, sk, sig)) return BERTHTLS_ERR_KEYTYPE ;
    if (!br_rsa_pkcs1_vrfy_get_default()(sig, siglen, BR_HASH_OID_SHA256, sizeof out, pk, out)) return BERTHTLS_ERR_MISMATCH ;
  }
  return memcmp(out, hash, sizeof out) ? BERTHTLS_ERR_MISMATCH : 0 ;
}

static int rsa_match (br_rsa_public_key const *pk, br_rsa_private_key const *sk)
{
  br_rsa_compute_modulus modf = br_rsa_compute_modulus_get_default() ;
  br_rsa_compute_pubexp expf = br_rsa_compute_pubexp_get_default() ;
  size_t nlen = modf(0, sk) ;
  unsigned char e[4] ;
  uint32_t x ;
  if (!nlen) return rsa_match_by_signature(pk, sk) ;
  if (nlen > RSA_MAX_BYTES) return BERTHTLS_ERR_KEYTYPE ;
  {
    unsigned char n[nlen] ;
    if (modf(n, sk) != nlen) return rsa_match_by_signature(pk, sk) ;
    if (!same(n, nlen, pk->n, pk->nlen)) return BERTHTLS_ERR_MISMATCH ;
  }
  x = expf(sk) ;
  if (!x) return 0 ;  /* BearSSL cannot always recover e from the CRT parts: n alone identifies the key */
  e[0] = x >> 24 ; e[1] = x >> 16 ; e[2] = x >> 8 ; e[3] = x ;
  return same(e, 4, pk->e, pk->elen) ? 0 : BERTHTLS_ERR_MISMATCH ;
}

static int ec_match (br_ec_public_key const *pk, br_ec_private_key const *sk)
{
  unsigned char q[BR_EC_KBUF_PUB_MAX_SIZE] ;
  br_ec_public_key pub ;
  if (!br_ec_compute_pub(br_ec_get_default(), &pub, q, sk)) return BERTHTLS_ERR_KEYTYPE ;
  if (pub.curve != pk->curve) return BERTHTLS_ERR_MISMATCH ;
  return pub.qlen == pk->qlen && !memcmp(pub.q, pk->q, pub.qlen) ? 0 : BERTHTLS_ERR_MISMATCH ;
}

int berthtls_key_match (br_x509_certificate const *cert, br_skey_decoder_context const *dc, unsigned int *issuertype)
{
  br_x509_decoder_context xd ;
  br_x509_pkey const *pk ;
  br_x509_decoder_init(&xd, 0, 0) ;
  br_x509_decoder_push(&xd, cert->data, cert->data_len) ;
  pk = br_x509_decoder_get_pkey(&xd) ;
  if (!pk)
  {
    int e = br_x509_decoder_last_error(&xd) ;
    return e ? e : BR_ERR_X509_TRUNCATED ;
  }
  *issuertype = br_x509_decoder_get_signer_key_type(&xd) ;
  if (pk->key_type != br_skey_decoder_key_type(dc)) return BERTHTLS_ERR_MISMATCH ;
  return pk->key_type == BR_KEYTYPE_RSA
    ? rsa_match(&pk->key.rsa, br_skey_decoder_get_rsa(dc))
    : ec_match(&pk->key.ec, br_skey_decoder_get_ec(dc)) ;
}
