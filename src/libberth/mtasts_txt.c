/* ISC license. */
/* The _mta-sts TXT record (RFC 8461 3.1): "v=STSv1; id=ID;" with fields separated by ';' and
   optional spaces; ID 1 to 32 letters or digits. Trust: the record is the network's. */

#include <string.h>
#include <berth/mtasts.h>

#define TXT_VERSION "v=STSv1"

static int isalnum_ascii (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ;
}

static char const *skipsp (char const *s)
{
  while (*s == ' ' || *s == '\t') s++ ;
  return s ;
}

int mtasts_txt_parse (char const *s, char *id)
{
  size_t vl = sizeof TXT_VERSION - 1 ;
  int have = 0 ;
  if (strncmp(s, TXT_VERSION, vl)) return 0 ;
  s = skipsp(s + vl) ;
  if (*s && *s != ';') return 0 ;   /* "v=STSv10": another version */
  while (*s)
  {
    char const *f ;
    size_t n ;
    if (*s++ != ';') return -1 ;
    f = skipsp(s) ;
    if (!*f) break ;
    n = strcspn(f, "; \t") ;
    if (!strncmp(f, "id=", 3))
    {
      size_t l = n - 3 ;
      if (have || !l || l > MTASTS_ID_MAX) return -1 ;
      for (size_t i = 0 ; i < l ; i++) if (!isalnum_ascii(f[3 + i])) return -1 ;
      memcpy(id, f + 3, l) ; id[l] = 0 ;
      have = 1 ;
    }
    else if (!memchr(f, '=', n)) return -1 ;   /* field = key "=" value */
    s = skipsp(f + n) ;
  }
  return have ? 1 : -1 ;
}

int mtasts_txt_pick (char const *s, size_t len, char *id)
{
  unsigned int n = 0 ;
  int ok = 0 ;
  for (size_t i = 0 ; i < len ; i += strlen(s + i) + 1)
  {
    char x[MTASTS_ID_MAX + 1] ;
    int r = mtasts_txt_parse(s + i, x) ;
    if (!r) continue ;
    n++ ;
    ok = r > 0 ;
    if (ok) memcpy(id, x, strlen(x) + 1) ;
  }
  return n == 1 && ok ;
}
