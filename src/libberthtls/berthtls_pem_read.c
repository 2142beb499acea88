/* ISC license. */

/* Reads a PEM file into named DER objects (certificates, keys). The file is trusted config
   (root-owned), but is size-capped and parsed by BearSSL's PEM decoder only. */

#include <string.h>
#include <errno.h>
#include <bearssl.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/djbunix.h>
#include <berth/tls.h>

static void append (void *ctx, void const *s, size_t len)
{
  stralloc *sa = ctx ;
  if (!stralloc_catb(sa, s, len)) sa->len = (size_t)-1 >> 1 ;  /* flag: out of memory */
}

int berthtls_pem_read (char const *file, genalloc *objs)
{
  stralloc sa = STRALLOC_ZERO ;
  stralloc cur = STRALLOC_ZERO ;
  br_pem_decoder_context pc ;
  berthtls_pemobj obj ;
  unsigned char const *s ;
  size_t len ;
  int inobj = 0 ;
  int e = 0 ;
  if (!openslurpclose(&sa, file)) return -1 ;
  if (sa.len > BERTHTLS_MAXFILE) { e = BERTHTLS_ERR_TOOLARGE ; goto end ; }
  if (!stralloc_catb(&sa, "\n", 1)) { e = -1 ; goto end ; }  /* or the last object is never closed */
  br_pem_decoder_init(&pc) ;
  s = (unsigned char const *)sa.s ; len = sa.len ;
  while (len)
  {
    size_t k = br_pem_decoder_push(&pc, s, len) ;
    s += k ; len -= k ;
    switch (br_pem_decoder_event(&pc))
    {
      case BR_PEM_BEGIN_OBJ :
      {
        size_t n = strlen(br_pem_decoder_name(&pc)) ;
        if (n >= sizeof obj.name) n = sizeof obj.name - 1 ;
        memcpy(obj.name, br_pem_decoder_name(&pc), n) ; obj.name[n] = 0 ;
        if (inobj) stralloc_free(&cur) ;
        cur = stralloc_zero ;
        br_pem_decoder_setdest(&pc, &append, &cur) ;
        inobj = 1 ;
        break ;
      }
      case BR_PEM_END_OBJ :
        if (!inobj) break ;
        if (cur.len == (size_t)-1 >> 1) { errno = ENOMEM ; e = -1 ; goto end ; }
        inobj = 0 ;
        obj.data = (unsigned char *)cur.s ; obj.len = cur.len ;
        if (!genalloc_append(berthtls_pemobj, objs, &obj)) { stralloc_free(&cur) ; e = -1 ; goto end ; }
        break ;
      case BR_PEM_ERROR : e = BERTHTLS_ERR_PEM ; goto end ;
      default : break ;
    }
  }
  if (inobj) e = BERTHTLS_ERR_PEM ;
  else if (!genalloc_len(berthtls_pemobj, objs)) e = BERTHTLS_ERR_NOPEM ;
 end:
  if (inobj) stralloc_free(&cur) ;   /* an object cut short, by the end or an error */
  if (sa.s) memset(sa.s, 0, sa.len) ;  /* may hold a private key */
  stralloc_free(&sa) ;
  return e ;
}
