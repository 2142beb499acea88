/* ISC license. */

/* Keeps only SSL_* records of a TLS engine's handshake info. Trust: info is untrusted (a
   compromised engine may write anything); the output holds no other name, so no LD_*, PATH or
   other variable can reach the environment of the program exec'd with it. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/sslenv.h>

static int goodname (char const *s, size_t n)
{
  if (n <= 4 || memcmp(s, "SSL_", 4)) return 0 ;
  for (size_t i = 4 ; i < n ; i++)
  {
    char c = s[i] ;
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return 0 ;
  }
  return 1 ;
}

int sslenv_filter (stralloc *sa, char const *info, size_t len)
{
  int dropped = 0 ;
  size_t i = 0 ;
  while (i < len)
  {
    char const *rec = info + i ;
    char const *end = memchr(rec, 0, len - i) ;
    size_t n = end ? (size_t)(end - rec) : len - i ;
    if (n)
    {
      char const *eq = memchr(rec, '=', n) ;
      if (goodname(rec, eq ? (size_t)(eq - rec) : n))
      {
        if (!stralloc_catb(sa, rec, n) || !stralloc_0(sa)) return -1 ;
      }
      else dropped++ ;
    }
    i += n + 1 ;
  }
  return dropped ;
}
