/* ISC license. */

/* Server engine setup: TLS 1.2 only, the given suites (berthtls_server_suites), and a policy
   choosing the credential by the client's SNI (exact name, then "*.rest" wildcard, else default). */

#include <string.h>
#include <strings.h>
#include <bearssl.h>
#include <berth/tls.h>

static int name_matches (char const *pattern, char const *name)
{
  if (!strcasecmp(pattern, name)) return 1 ;
  if (pattern[0] == '*' && pattern[1] == '.')
  {
    char const *dot = strchr(name, '.') ;
    return dot && dot != name && !strcasecmp(pattern + 1, dot) ;
  }
  return 0 ;
}

static size_t pick (berthtls_sni const *p, char const *name)
{
  size_t dflt = 0 ;
  int havedflt = 0 ;
  for (size_t i = 0 ; i < p->n ; i++)
  {
    if (!p->creds[i].name) { if (!havedflt) { dflt = i ; havedflt = 1 ; } continue ; }
    if (name && name[0] && name_matches(p->creds[i].name, name)) return i ;
  }
  return dflt ;
}

static int sni_choose (br_ssl_server_policy_class const **pctx, br_ssl_server_context const *cc, br_ssl_server_choices *choices)
{
  berthtls_sni *p = (berthtls_sni *)pctx ;
  size_t i = pick(p, br_ssl_engine_get_server_name(&cc->eng)) ;
  p->chosen = &p->handlers[i].vtable ;
  return (*p->chosen)->choose(p->chosen, cc, choices) ;
}

static uint32_t sni_do_keyx (br_ssl_server_policy_class const **pctx, unsigned char *data, size_t *len)
{
  berthtls_sni *p = (berthtls_sni *)pctx ;
  return (*p->chosen)->do_keyx(p->chosen, data, len) ;
}

static size_t sni_do_sign (br_ssl_server_policy_class const **pctx, unsigned int algo, unsigned char *data, size_t hvlen, size_t len)
{
  berthtls_sni *p = (berthtls_sni *)pctx ;
  return (*p->chosen)->do_sign(p->chosen, algo, data, hvlen, len) ;
}

static br_ssl_server_policy_class const sni_vtable =
{
  .context_size = sizeof(berthtls_sni),
  .choose = &sni_choose,
  .do_keyx = &sni_do_keyx,
  .do_sign = &sni_do_sign
} ;

void berthtls_server_init (br_ssl_server_context *cc, berthtls_sni *p, berthtls_cred const *creds, size_t n, uint16_t const *suites, size_t nsuites)
{
  if (creds[0].keytype == BR_KEYTYPE_RSA)
    br_ssl_server_init_full_rsa(cc, creds[0].chain, creds[0].chainlen, br_skey_decoder_get_rsa(&creds[0].key)) ;
  else
    br_ssl_server_init_full_ec(cc, creds[0].chain, creds[0].chainlen, creds[0].issuertype, br_skey_decoder_get_ec(&creds[0].key)) ;
  br_ssl_engine_set_versions(&cc->eng, BR_TLS12, BR_TLS12) ;
  br_ssl_engine_set_suites(&cc->eng, suites, nsuites) ;
  br_ssl_engine_add_flags(&cc->eng, BR_OPT_ENFORCE_SERVER_PREFERENCES | BR_OPT_NO_RENEGOTIATION) ;

 /* Let BearSSL build each single-credential policy, then keep a copy of it. */
  for (size_t i = 0 ; i < n ; i++)
  {
    if (creds[i].keytype == BR_KEYTYPE_RSA)
      br_ssl_server_set_single_rsa(cc, creds[i].chain, creds[i].chainlen, br_skey_decoder_get_rsa(&creds[i].key),
        BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN, br_rsa_private_get_default(), br_rsa_pkcs1_sign_get_default()) ;
    else
      br_ssl_server_set_single_ec(cc, creds[i].chain, creds[i].chainlen, br_skey_decoder_get_ec(&creds[i].key),
        BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN, creds[i].issuertype, br_ec_get_default(), br_ecdsa_sign_asn1_get_default()) ;
    memcpy(&p->handlers[i], &cc->chain_handler, sizeof cc->chain_handler) ;
  }
  p->vtable = &sni_vtable ;
  p->creds = creds ;
  p->n = n ;
  p->chosen = &p->handlers[0].vtable ;
  br_ssl_server_set_policy(cc, &p->vtable) ;
}
