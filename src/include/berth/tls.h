/* ISC license. */

/* libberthtls: the BearSSL glue shared by berth-tlsd and berth-tlsc only.
   Everything here handles key material or remote TLS input; the SMTP programs never link it. */

#ifndef BERTH_TLS_H
#define BERTH_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>
#include <skalibs/tai.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>

/* Exit codes, as s6-networking's TLS tools. */
#define BERTHTLS_EXIT_CONFIG 96
#define BERTHTLS_EXIT_SETUP 97
#define BERTHTLS_EXIT_TLS 98
#define BERTHTLS_EXIT_USAGE 100
#define BERTHTLS_EXIT_SYS 111

/* Our own error codes, beyond BearSSL's BR_ERR_* range (which ends below 1024). */
#define BERTHTLS_ERR_NOPEM 1024
#define BERTHTLS_ERR_PEM 1025
#define BERTHTLS_ERR_NOCERT 1026
#define BERTHTLS_ERR_NOKEY 1027
#define BERTHTLS_ERR_ENCRYPTED 1028
#define BERTHTLS_ERR_MISMATCH 1029
#define BERTHTLS_ERR_KEYTYPE 1030
#define BERTHTLS_ERR_TOOLARGE 1031
#define BERTHTLS_ERR_NOTA 1032
#define BERTHTLS_ERR_STALLED 1033
#define BERTHTLS_ERR_TLSA_MISMATCH 1034

#define BERTHTLS_MAXCREDS 32
#define BERTHTLS_MAXFILE (1 << 20)
#define BERTHTLS_MAXINFO 4096

/* Return convention of the loaders: 0 ok, -1 system error (errno), >0 an error code for berthtls_error_str. */

typedef struct berthtls_pemobj_s berthtls_pemobj, *berthtls_pemobj_ref ;
struct berthtls_pemobj_s
{
  char name[64] ;
  unsigned char *data ;
  size_t len ;
} ;

typedef struct berthtls_cred_s berthtls_cred, *berthtls_cred_ref ;
struct berthtls_cred_s
{
  char const *name ;   /* SNI name (lowercase), 0 for the default credential */
  br_x509_certificate *chain ;
  size_t chainlen ;
  unsigned int keytype ;   /* BR_KEYTYPE_RSA or BR_KEYTYPE_EC */
  unsigned int issuertype ;   /* key type of the certificate's signer (for EC) */
  br_skey_decoder_context key ;   /* owns the key bytes: never move a loaded cred */
} ;

typedef union berthtls_handler_u berthtls_handler, *berthtls_handler_ref ;
union berthtls_handler_u
{
  br_ssl_server_policy_class const *vtable ;
  br_ssl_server_policy_rsa_context rsa ;
  br_ssl_server_policy_ec_context ec ;
} ;

typedef struct berthtls_sni_s berthtls_sni, *berthtls_sni_ref ;
struct berthtls_sni_s
{
  br_ssl_server_policy_class const *vtable ;
  berthtls_cred const *creds ;
  size_t n ;
  berthtls_handler handlers[BERTHTLS_MAXCREDS] ;
  br_ssl_server_policy_class const **chosen ;
} ;

/* DANE (RFC 6698, RFC 7672): the TLSA records to match, and the chain the server sent */
#define BERTHTLS_DANE_EE 3
#define BERTHTLS_DANE_TA 2
#define BERTHTLS_DANE_MAXCERTS 16

typedef struct berthtls_tlsa_s berthtls_tlsa, *berthtls_tlsa_ref ;
struct berthtls_tlsa_s
{
  unsigned char usage ;
  unsigned char selector ;
  unsigned char mtype ;
  size_t data ;        /* offset of the association data in the berthtls_dane's data */
  size_t len ;
} ;

typedef struct berthtls_dane_s berthtls_dane, *berthtls_dane_ref ;
struct berthtls_dane_s
{
  stralloc data ;      /* every record's association data */
  genalloc recs ;      /* berthtls_tlsa, usable ones only */
  char const *name ;   /* the MX host: DANE-TA checks it */
  stralloc chain ;     /* the server's certificates, DER, one after the other */
  size_t cert[BERTHTLS_DANE_MAXCERTS + 1] ;   /* where each one starts; cert[n] = chain.len */
  unsigned int n ;
  int stop ;           /* the chain was too long: certificates from n on are not kept */
  unsigned int matched ;   /* BERTHTLS_DANE_EE or _TA once verified, else 0 */
} ;
#define BERTHTLS_DANE_ZERO { .data = STRALLOC_ZERO, .recs = GENALLOC_ZERO, .name = 0, .chain = STRALLOC_ZERO, .n = 0, .stop = 0, .matched = 0 }

typedef struct berthtls_x509_s berthtls_x509, *berthtls_x509_ref ;
struct berthtls_x509_s
{
  br_x509_class const *vtable ;
  br_x509_minimal_context *inner ;
  br_x509_decoder_context dc ;
  br_sha256_context h ;
  unsigned int n ;
  unsigned int noverify ;
  unsigned int innererr ;   /* the minimal engine's verdict against the trust anchors */
  unsigned int err ;   /* the verdict: the minimal engine's, or DANE's when dane is set; 0 = verified */
  berthtls_dane *dane ;   /* 0: no TLSA records */
  unsigned char eehash[32] ;
} ;

typedef int berthtls_handshake_func (br_ssl_engine_context *, void *) ;

extern char const *berthtls_error_str (int) ;
extern char const *berthtls_suite_name (uint16_t) ;
extern int berthtls_suite_id (char const *, uint16_t *) ;
extern size_t berthtls_server_suites (char const *, uint16_t *, size_t) ;
#define BERTHTLS_MAXSUITES 48
extern char const *berthtls_version_name (unsigned int) ;

extern int berthtls_pem_read (char const *, genalloc *) ;   /* genalloc of berthtls_pemobj */
extern int berthtls_cred_load (berthtls_cred *, char const *, char const *) ;
extern int berthtls_key_match (br_x509_certificate const *, br_skey_decoder_context const *, unsigned int *) ;

extern void berthtls_server_init (br_ssl_server_context *, berthtls_sni *, berthtls_cred const *, size_t, uint16_t const *, size_t) ;
extern int berthtls_ta_load (genalloc *, char const *) ;   /* genalloc of br_x509_trust_anchor */
extern void berthtls_x509_init (berthtls_x509 *, br_x509_minimal_context *, unsigned int) ;
/* "usage:selector:mtype:hex" into d; 1 ok (an unusable record is skipped), 0 bad syntax or no memory */
extern int berthtls_tlsa_scan (berthtls_dane *d, char const *s) ;
/* 0 when a record matches the captured chain (d->matched says how), else an error code */
extern unsigned int berthtls_dane_verify (berthtls_dane *d) ;
extern void berthtls_entropy (br_ssl_engine_context *) ;
extern int berthtls_drop (void) ;

extern int berthtls_info_server (br_ssl_engine_context const *, stralloc *) ;
extern int berthtls_info_client (br_ssl_engine_context const *, berthtls_x509 const *, stralloc *) ;
extern int berthtls_run (br_ssl_engine_context *, int const *, tain const *, berthtls_handshake_func *, void *) ;

#endif
