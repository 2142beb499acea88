/* ISC license. */
/* NOTIFY (RFC 3461 4.1) and RET (4.3): their values scanned, NOTIFY's written canonically.
   Trust: the values are an SMTP peer's or a queue file's; every byte is checked. */

#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <berth/envext.h>

static struct { char const *name ; unsigned int bit ; } const words[] =
{
  { "NEVER", ENVEXT_NOTIFY_NEVER },
  { "SUCCESS", ENVEXT_NOTIFY_SUCCESS },
  { "FAILURE", ENVEXT_NOTIFY_FAILURE },
  { "DELAY", ENVEXT_NOTIFY_DELAY },
} ;
#define NWORDS (sizeof words / sizeof *words)

static int wordis (char const *s, size_t len, char const *w)
{
  size_t n = 0 ;
  while (w[n]) n++ ;
  return len == n && !case_diffb(s, n, w) ;
}

int envext_notify_scan (char const *s, size_t len, unsigned int *bits)
{
  unsigned int b = 0 ;
  size_t i = 0 ;
  if (!len) return 0 ;
  while (i <= len)
  {
    size_t w = i, k = 0 ;
    while (i < len && s[i] != ',') i++ ;
    while (k < NWORDS && !wordis(s + w, i - w, words[k].name)) k++ ;
    if (k >= NWORDS || (b & words[k].bit)) return 0 ;
    b |= words[k].bit ;
    i++ ;
  }
  if ((b & ENVEXT_NOTIFY_NEVER) && b != ENVEXT_NOTIFY_NEVER) return 0 ;
  *bits = b ;
  return 1 ;
}

int envext_notify_fmt (stralloc *sa, unsigned int bits)
{
  int first = 1 ;
  for (size_t k = 0 ; k < NWORDS ; k++)
  {
    if (!(bits & words[k].bit)) continue ;
    if ((!first && !stralloc_catb(sa, ",", 1)) || !stralloc_cats(sa, words[k].name)) return 0 ;
    first = 0 ;
  }
  return 1 ;
}

unsigned int envext_notify (char const *s, size_t len)
{
  char const *v ;
  size_t vlen ;
  unsigned int bits ;
  if (!envext_get(s, len, "NOTIFY", &v, &vlen) || !envext_notify_scan(v, vlen, &bits)) return 0 ;
  return bits ;
}

int envext_ret (char const *s, size_t len)
{
  char const *v ;
  size_t vlen ;
  if (!envext_get(s, len, "RET", &v, &vlen)) return ENVEXT_RET_NONE ;
  return wordis(v, vlen, "FULL") ? ENVEXT_RET_FULL : wordis(v, vlen, "HDRS") ? ENVEXT_RET_HDRS : ENVEXT_RET_NONE ;
}
