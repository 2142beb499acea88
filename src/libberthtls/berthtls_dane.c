/* ISC license. */

/* DANE for berth-tlsc (RFC 6698, RFC 7671, RFC 7672): TLSA records from the command line
   (berth-remote looked them up, DNSSEC-validated) matched against the chain the server sent.
   DANE-EE (3): the end-entity certificate or its public key matches; no name, no dates.
   DANE-TA (2): a certificate the server sent matches; the chain below it must verify with it as
   the trust anchor, dates and the MX host name included. Trust: the records are berth-remote's;
   every certificate byte is the server's, walked with bounds checks only. */

#include <string.h>
#include <bearssl.h>
#include <skalibs/bytestr.h>
#include <skalibs/fmtscan.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/tls.h>

#define TLSA_SEL_CERT 0
#define TLSA_SEL_SPKI 1
#define TLSA_MATCH_FULL 0
#define TLSA_MATCH_SHA256 1
#define TLSA_MATCH_SHA512 2
#define DER_SEQUENCE 0x30
#define DER_CONTEXT0 0xa0

int berthtls_tlsa_scan (berthtls_dane *d, char const *s)
{
  unsigned int f[3] ;
  size_t len = strlen(s), hexlen ;
  berthtls_tlsa t ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    size_t n = uint_scan(s, &f[i]) ;
    if (!n || s[n] != ':' || f[i] > 255) return 0 ;
    len -= n + 1 ; s += n + 1 ;
  }
  hexlen = len ;
  if (!hexlen || hexlen & 1) return 0 ;
  if (f[0] != BERTHTLS_DANE_EE && f[0] != BERTHTLS_DANE_TA) return 1 ;   /* unusable: ignored */
  if (f[1] > TLSA_SEL_SPKI || f[2] > TLSA_MATCH_SHA512) return 1 ;
  t.usage = f[0] ; t.selector = f[1] ; t.mtype = f[2] ;
  t.data = d->data.len ;
  t.len = hexlen / 2 ;
  if (!stralloc_readyplus(&d->data, t.len)) return 0 ;
  if (ucharn_scan(s, d->data.s + d->data.len, t.len) != hexlen) return 0 ;
  d->data.len += t.len ;
  return genalloc_append(berthtls_tlsa, &d->recs, &t) ;
}

/* one DER header at p[0..end): its tag, and where its contents start and end */
static int der_next (unsigned char const *p, unsigned char const *end, unsigned char *tag, unsigned char const **body, unsigned char const **next)
{
  size_t len = 0 ;
  unsigned int nb ;
  if (end - p < 2) return 0 ;
  *tag = p[0] ;
  if (p[1] < 0x80) { len = p[1] ; p += 2 ; }
  else
  {
    nb = p[1] & 0x7f ;
    if (!nb || nb > 4 || (size_t)(end - p) < 2 + nb) return 0 ;
    for (unsigned int i = 0 ; i < nb ; i++) len = (len << 8) | p[2 + i] ;
    p += 2 + nb ;
  }
  if ((size_t)(end - p) < len) return 0 ;
  *body = p ;
  *next = p + len ;
  return 1 ;
}

/* the SubjectPublicKeyInfo of a certificate, whole (RFC 5280 4.1: the seventh field of
   tbsCertificate, after an optional [0] version) */
static int spki (unsigned char const *der, size_t len, unsigned char const **s, size_t *slen)
{
  unsigned char const *end = der + len, *body, *next ;
  unsigned char tag ;
  unsigned int skip = 5 ;   /* serialNumber, signature, issuer, validity, subject */
  if (!der_next(der, end, &tag, &body, &next) || tag != DER_SEQUENCE) return 0 ;
  if (!der_next(body, next, &tag, &body, &next) || tag != DER_SEQUENCE) return 0 ;
  end = next ;
  if (!der_next(body, end, &tag, &body, &next)) return 0 ;
  body = next ;
  if (tag != DER_CONTEXT0) skip-- ;   /* no version: that was the serial number */
  for (unsigned int i = 0 ; i < skip ; i++)
  {
    unsigned char const *b ;
    if (!der_next(body, end, &tag, &b, &next)) return 0 ;
    body = next ;
  }
  {
    unsigned char const *b ;
    if (!der_next(body, end, &tag, &b, &next) || tag != DER_SEQUENCE) return 0 ;
  }
  *s = body ;
  *slen = next - body ;
  return 1 ;
}

static int match1 (berthtls_dane const *d, berthtls_tlsa const *t, unsigned char const *der, size_t len)
{
  unsigned char const *s = der ;
  unsigned char h[br_sha512_SIZE] ;
  size_t slen = len ;
  if (t->selector == TLSA_SEL_SPKI && !spki(der, len, &s, &slen)) return 0 ;
  switch (t->mtype)
  {
    case TLSA_MATCH_FULL : break ;
    case TLSA_MATCH_SHA256 :
    {
      br_sha256_context c ;
      br_sha256_init(&c) ; br_sha256_update(&c, s, slen) ; br_sha256_out(&c, h) ;
      s = h ; slen = br_sha256_SIZE ;
      break ;
    }
    default :
    {
      br_sha512_context c ;
      br_sha512_init(&c) ; br_sha512_update(&c, s, slen) ; br_sha512_out(&c, h) ;
      s = h ; slen = br_sha512_SIZE ;
      break ;
    }
  }
  return slen == t->len && !memcmp(s, d->data.s + t->data, slen) ;
}

static void dn_append (void *ctx, void const *buf, size_t len)
{
  stralloc *sa = ctx ;
  if (!stralloc_catb(sa, buf, len)) sa->len = 0 ;
}

/* the certificates below certificate i, verified with i as the trust anchor, and the name */
static unsigned int verify_below (berthtls_dane const *d, unsigned int i)
{
  br_x509_decoder_context dc ;
  br_x509_minimal_context mc ;
  br_x509_trust_anchor ta ;
  br_x509_pkey const *pk ;
  br_x509_class const **v = &mc.vtable ;
  stralloc dn = STRALLOC_ZERO ;
  unsigned int err ;
  br_x509_decoder_init(&dc, &dn_append, &dn) ;
  br_x509_decoder_push(&dc, d->chain.s + d->cert[i], d->cert[i+1] - d->cert[i]) ;
  pk = br_x509_decoder_get_pkey(&dc) ;
  if (!pk || !dn.len) { stralloc_free(&dn) ; return BR_ERR_X509_BAD_DN ; }
  ta.dn.data = (unsigned char *)dn.s ;
  ta.dn.len = dn.len ;
  ta.flags = BR_X509_TA_CA ;
  ta.pkey = *pk ;
  br_x509_minimal_init_full(&mc, &ta, 1) ;
  (*v)->start_chain(v, d->name) ;
  for (unsigned int j = 0 ; j < i ; j++)
  {
    (*v)->start_cert(v, d->cert[j+1] - d->cert[j]) ;
    (*v)->append(v, (unsigned char const *)d->chain.s + d->cert[j], d->cert[j+1] - d->cert[j]) ;
    (*v)->end_cert(v) ;
  }
  err = (*v)->end_chain(v) ;
  stralloc_free(&dn) ;
  return err ;
}

unsigned int berthtls_dane_verify (berthtls_dane *d)
{
  berthtls_tlsa const *r = genalloc_s(berthtls_tlsa, &d->recs) ;
  size_t n = genalloc_len(berthtls_tlsa, &d->recs) ;
  unsigned int err = BERTHTLS_ERR_TLSA_MISMATCH ;
  unsigned char const *chain = (unsigned char const *)d->chain.s ;
  d->matched = 0 ;
  if (!d->n) return BR_ERR_X509_EMPTY_CHAIN ;
  for (size_t k = 0 ; k < n ; k++)
    if (r[k].usage == BERTHTLS_DANE_EE && match1(d, r + k, chain, d->cert[1]))
      return (d->matched = BERTHTLS_DANE_EE, 0) ;
  /* DANE-TA: a certificate above the end entity; the first one whose chain verifies wins */
  for (unsigned int i = 1 ; i < d->n ; i++)
    for (size_t k = 0 ; k < n ; k++)
      if (r[k].usage == BERTHTLS_DANE_TA && match1(d, r + k, chain + d->cert[i], d->cert[i+1] - d->cert[i]))
      {
        unsigned int e = d->name ? verify_below(d, i) : BR_ERR_X509_BAD_SERVER_NAME ;
        if (!e) return (d->matched = BERTHTLS_DANE_TA, 0) ;
        err = e ;
        break ;
      }
  return err ;
}
