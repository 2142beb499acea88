/* ISC license. */

/* berth-tlsc's X.509 class: wraps br_x509_minimal (chain, dates, name check against the
   trust anchors), records its verdict and the SHA-256 of the peer's end-entity certificate,
   and in no-verify mode accepts any well-formed certificate (opportunistic STARTTLS). With
   TLSA records (x->dane) it keeps the chain the server sent and DANE's verdict decides
   (berthtls_dane_verify). Trust: every certificate byte is the server's. */

#include <bearssl.h>
#include <skalibs/stralloc.h>
#include <berth/tls.h>

static void x_start_chain (br_x509_class const **c, char const *sn)
{
  berthtls_x509 *x = (berthtls_x509 *)c ;
  x->n = 0 ;
  x->err = x->innererr = BR_ERR_X509_EMPTY_CHAIN ;
  if (x->dane) { x->dane->chain.len = 0 ; x->dane->n = 0 ; x->dane->stop = 0 ; x->dane->cert[0] = 0 ; x->dane->matched = 0 ; }
  x->inner->vtable->start_chain(&x->inner->vtable, sn) ;
}

static void x_start_cert (br_x509_class const **c, uint32_t len)
{
  berthtls_x509 *x = (berthtls_x509 *)c ;
  if (!x->n)
  {
    br_x509_decoder_init(&x->dc, 0, 0) ;
    br_sha256_init(&x->h) ;
  }
  if (x->dane && x->dane->n >= BERTHTLS_DANE_MAXCERTS) x->dane->stop = 1 ;
  x->inner->vtable->start_cert(&x->inner->vtable, len) ;
}

static void x_append (br_x509_class const **c, unsigned char const *s, size_t len)
{
  berthtls_x509 *x = (berthtls_x509 *)c ;
  if (!x->n)
  {
    br_x509_decoder_push(&x->dc, s, len) ;
    br_sha256_update(&x->h, s, len) ;
  }
  if (x->dane && !x->dane->stop
   && (x->dane->chain.len + len > BERTHTLS_MAXFILE || !stralloc_catb(&x->dane->chain, (char const *)s, len)))
  {  /* too much: the certificates kept so far are matched, the rest is not */
    x->dane->chain.len = x->dane->cert[x->dane->n] ;
    x->dane->stop = 1 ;
  }
  x->inner->vtable->append(&x->inner->vtable, s, len) ;
}

static void x_end_cert (br_x509_class const **c)
{
  berthtls_x509 *x = (berthtls_x509 *)c ;
  if (!x->n++) br_sha256_out(&x->h, x->eehash) ;
  if (x->dane && !x->dane->stop) x->dane->cert[++x->dane->n] = x->dane->chain.len ;
  x->inner->vtable->end_cert(&x->inner->vtable) ;
}

static unsigned x_end_chain (br_x509_class const **c)
{
  berthtls_x509 *x = (berthtls_x509 *)c ;
  x->err = x->innererr = x->inner->vtable->end_chain(&x->inner->vtable) ;
  if (x->dane)
  {  /* TLSA records given: they alone decide (RFC 7672 3.1, 3.2), and a mismatch is fatal */
    if (!x->n) return x->err = BR_ERR_X509_EMPTY_CHAIN ;
    if (!br_x509_decoder_get_pkey(&x->dc)) return x->err = BR_ERR_X509_TRUNCATED ;
    return x->err = berthtls_dane_verify(x->dane) ;
  }
  if (!x->noverify) return x->err ;
  if (!x->n) return BR_ERR_X509_EMPTY_CHAIN ;
  return br_x509_decoder_get_pkey(&x->dc) ? 0 : BR_ERR_X509_TRUNCATED ;
}

static br_x509_pkey const *x_get_pkey (br_x509_class const *const *c, unsigned *usages)
{
  berthtls_x509 const *x = (berthtls_x509 const *)c ;
  if (!x->innererr) return x->inner->vtable->get_pkey(&x->inner->vtable, usages) ;
  if (usages) *usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN ;
  return br_x509_decoder_get_pkey((br_x509_decoder_context *)&x->dc) ;
}

static br_x509_class const x_vtable =
{
  .context_size = sizeof(berthtls_x509),
  .start_chain = &x_start_chain,
  .start_cert = &x_start_cert,
  .append = &x_append,
  .end_cert = &x_end_cert,
  .end_chain = &x_end_chain,
  .get_pkey = &x_get_pkey
} ;

void berthtls_x509_init (berthtls_x509 *x, br_x509_minimal_context *inner, unsigned int noverify)
{
  x->vtable = &x_vtable ;
  x->inner = inner ;
  x->n = 0 ;
  x->noverify = !!noverify ;
  x->err = x->innererr = BR_ERR_X509_EMPTY_CHAIN ;
  x->dane = 0 ;
}
