/* ISC license. */

/* Trust anchors for berth-tlsc: a PEM bundle file, or a directory where only OpenSSL-hash
   names (XXXXXXXX.N, as in /etc/ssl/certs) are read. Each CERTIFICATE becomes one anchor. */

#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/stat.h>
#include <bearssl.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/direntry.h>
#include <berth/tls.h>

static void append_dn (void *ctx, void const *s, size_t len)
{
  stralloc *sa = ctx ;
  if (!stralloc_catb(sa, s, len)) sa->len = (size_t)-1 >> 1 ;
}

static unsigned char *dup (unsigned char const *s, size_t len)
{
  unsigned char *d = malloc(len ? len : 1) ;
  if (d) memcpy(d, s, len) ;
  return d ;
}

static int add_cert (genalloc *tas, unsigned char const *der, size_t len)
{
  br_x509_decoder_context dc ;
  br_x509_trust_anchor ta ;
  br_x509_pkey const *pk ;
  stralloc dn = STRALLOC_ZERO ;
  br_x509_decoder_init(&dc, &append_dn, &dn) ;
  br_x509_decoder_push(&dc, der, len) ;
  pk = br_x509_decoder_get_pkey(&dc) ;
  if (!pk || dn.len == (size_t)-1 >> 1) { stralloc_free(&dn) ; return 0 ; }  /* skip unusable certs */
  memset(&ta, 0, sizeof ta) ;
  ta.dn.data = (unsigned char *)dn.s ;
  ta.dn.len = dn.len ;
  ta.flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0 ;
  ta.pkey.key_type = pk->key_type ;
  if (pk->key_type == BR_KEYTYPE_RSA)
  {
    ta.pkey.key.rsa.n = dup(pk->key.rsa.n, pk->key.rsa.nlen) ;
    ta.pkey.key.rsa.nlen = pk->key.rsa.nlen ;
    ta.pkey.key.rsa.e = dup(pk->key.rsa.e, pk->key.rsa.elen) ;
    ta.pkey.key.rsa.elen = pk->key.rsa.elen ;
    if (!ta.pkey.key.rsa.n || !ta.pkey.key.rsa.e) goto err ;
  }
  else
  {
    ta.pkey.key.ec.curve = pk->key.ec.curve ;
    ta.pkey.key.ec.q = dup(pk->key.ec.q, pk->key.ec.qlen) ;
    ta.pkey.key.ec.qlen = pk->key.ec.qlen ;
    if (!ta.pkey.key.ec.q) goto err ;
  }
  if (genalloc_append(br_x509_trust_anchor, tas, &ta)) return 0 ;
 err:  /* nothing of this anchor is kept: free what was copied */
  if (pk->key_type == BR_KEYTYPE_RSA) { free(ta.pkey.key.rsa.n) ; free(ta.pkey.key.rsa.e) ; }
  else free(ta.pkey.key.ec.q) ;
  stralloc_free(&dn) ;
  return -1 ;
}

static int add_file (genalloc *tas, char const *file)
{
  genalloc objs = GENALLOC_ZERO ;
  berthtls_pemobj *o ;
  size_t n ;
  int e = berthtls_pem_read(file, &objs) ;
  o = genalloc_s(berthtls_pemobj, &objs) ;
  n = genalloc_len(berthtls_pemobj, &objs) ;
  for (size_t i = 0 ; !e && i < n ; i++)
    if (!strcmp(o[i].name, "CERTIFICATE") || !strcmp(o[i].name, "TRUSTED CERTIFICATE"))
      e = add_cert(tas, o[i].data, o[i].len) ;
  for (size_t i = 0 ; i < n ; i++) free(o[i].data) ;
  genalloc_free(berthtls_pemobj, &objs) ;
  return e ;
}

static int hashname (char const *s)
{
  size_t i = 0 ;
  for (; i < 8 ; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0 ;
  if (s[i++] != '.' || !s[i]) return 0 ;
  for (; s[i] ; i++) if (s[i] < '0' || s[i] > '9') return 0 ;
  return 1 ;
}

int berthtls_ta_load (genalloc *tas, char const *path)
{
  struct stat st ;
  DIR *dir ;
  size_t plen = strlen(path) ;
  if (stat(path, &st) < 0) return -1 ;
  if (!S_ISDIR(st.st_mode))
  {
    int e = add_file(tas, path) ;
    if (e) return e ;
  }
  else
  {
    dir = opendir(path) ;
    if (!dir) return -1 ;
    for (;;)
    {
      direntry *d ;
      errno = 0 ;
      d = readdir(dir) ;
      if (!d) break ;
      if (!hashname(d->d_name)) continue ;
      {
        size_t dlen = strlen(d->d_name) ;
        char fn[plen + dlen + 2] ;
        memcpy(fn, path, plen) ; fn[plen] = '/' ;
        memcpy(fn + plen + 1, d->d_name, dlen + 1) ;
        add_file(tas, fn) ;  /* an unreadable or broken CA file is skipped */
      }
    }
    if (errno) { int e = errno ; dir_close(dir) ; errno = e ; return -1 ; }
    dir_close(dir) ;
  }
  return genalloc_len(br_x509_trust_anchor, tas) ? 0 : BERTHTLS_ERR_NOTA ;
}
