/* ISC license. */

/* Loads one certificate chain (CERTFILE) and its private key (KEYFILE) and checks that they
   belong together, so that a mismatch is a config error at start, not a handshake failure. */

#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <bearssl.h>
#include <skalibs/genalloc.h>
#include <berth/tls.h>

static int iskey (char const *name)
{
  return !strcmp(name, "RSA PRIVATE KEY") || !strcmp(name, "EC PRIVATE KEY") || !strcmp(name, "PRIVATE KEY") ;
}

static void objs_free (genalloc *g)
{
  berthtls_pemobj *o = genalloc_s(berthtls_pemobj, g) ;
  size_t n = genalloc_len(berthtls_pemobj, g) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (o[i].data) memset(o[i].data, 0, o[i].len) ;   /* an empty object has no data */
    free(o[i].data) ;
  }
  genalloc_free(berthtls_pemobj, g) ;
}

static int load_key (br_skey_decoder_context *dc, unsigned int *type, char const *file)
{
  genalloc objs = GENALLOC_ZERO ;
  berthtls_pemobj const *o ;
  size_t n ;
  int e = berthtls_pem_read(file, &objs) ;
  if (e) { objs_free(&objs) ; return e ; }
  o = genalloc_s(berthtls_pemobj, &objs) ;
  n = genalloc_len(berthtls_pemobj, &objs) ;
  e = BERTHTLS_ERR_NOKEY ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (!strcmp(o[i].name, "ENCRYPTED PRIVATE KEY")) { e = BERTHTLS_ERR_ENCRYPTED ; break ; }
    if (!iskey(o[i].name)) continue ;
    br_skey_decoder_init(dc) ;
    br_skey_decoder_push(dc, o[i].data, o[i].len) ;
    e = br_skey_decoder_last_error(dc) ;
    if (!e)
    {
      *type = br_skey_decoder_key_type(dc) ;
      if (*type != BR_KEYTYPE_RSA && *type != BR_KEYTYPE_EC) e = BERTHTLS_ERR_KEYTYPE ;
    }
    break ;
  }
  objs_free(&objs) ;
  return e ;
}

static int load_chain (br_x509_certificate **chain, size_t *chainlen, char const *file)
{
  genalloc objs = GENALLOC_ZERO ;
  berthtls_pemobj const *o ;
  size_t n, m = 0 ;
  int e = berthtls_pem_read(file, &objs) ;
  if (e) { objs_free(&objs) ; return e ; }
  o = genalloc_s(berthtls_pemobj, &objs) ;
  n = genalloc_len(berthtls_pemobj, &objs) ;
  *chain = malloc(n * sizeof(br_x509_certificate)) ;
  if (!*chain) { objs_free(&objs) ; return -1 ; }
  for (size_t i = 0 ; i < n ; i++)
  {
    if (strcmp(o[i].name, "CERTIFICATE") && strcmp(o[i].name, "X509 CERTIFICATE")) { free(o[i].data) ; continue ; }
    (*chain)[m].data = o[i].data ;   /* ownership moves to the chain */
    (*chain)[m++].data_len = o[i].len ;
  }
  genalloc_free(berthtls_pemobj, &objs) ;
  if (!m) { free(*chain) ; *chain = 0 ; return BERTHTLS_ERR_NOCERT ; }
  *chainlen = m ;
  return 0 ;
}

int berthtls_cred_load (berthtls_cred *c, char const *certfile, char const *keyfile)
{
  int e = load_chain(&c->chain, &c->chainlen, certfile) ;
  if (e) return e ;
  e = load_key(&c->key, &c->keytype, keyfile) ;
  if (e) return e ;
  return berthtls_key_match(&c->chain[0], &c->key, &c->issuertype) ;
}
