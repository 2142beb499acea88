/* ISC license. */
/* The spawn protocol's results, as berth-send reads them from a spawner: a slot byte, then one
   record (code, text, optionally RES_FACTS_SEP and facts, NUL) per recipient of the job.
   Trust: the spawners are ours, but a result is only read within the bytes received and its
   records' NULs; facts that are not printable ASCII within RES_FACTS_MAX are ignored. */

#include <string.h>
#include "send.h"

size_t result_len (char const *s, size_t len, size_t need)
{
  size_t n = 0, i = 1 ;
  for (; n < need && i < len ; i++) if (!s[i]) n++ ;
  return n < need ? 0 : i ;
}

static int facts_ok (char const *s, size_t len)
{
  if (len > RES_FACTS_MAX) return 0 ;
  for (size_t i = 0 ; i < len ; i++) if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) return 0 ;
  return 1 ;
}

void result_record (char const **p, char *code, char const **text, size_t *tlen, char const **facts, size_t *flen)
{
  size_t len = strlen(*p) ;
  char const *sep = len ? memchr(*p + 1, RES_FACTS_SEP, len - 1) : 0 ;
  size_t end = sep ? (size_t)(sep - *p) : len ;
  *code = len ? (*p)[0] : RES_DEFER ;
  *text = len ? *p + 1 : "" ;
  *tlen = end ? end - 1 : 0 ;
  if (*tlen > TEXT_MAX) *tlen = TEXT_MAX ;
  *facts = sep && facts_ok(sep + 1, len - end - 1) ? sep + 1 : "" ;
  *flen = **facts ? len - end - 1 : 0 ;
  *p += len + 1 ;
}

int result_sitedown (char const *facts, size_t len)
{
  static char const tok[] = "site=down" ;
  size_t i = 0 ;
  while (i < len)
  {
    size_t e = i ;
    while (e < len && facts[e] != ' ') e++ ;
    if (e - i == sizeof tok - 1 && !memcmp(facts + i, tok, sizeof tok - 1)) return 1 ;
    i = e + 1 ;
  }
  return 0 ;
}

int result_rcptlimit (char const *text, size_t len)
{
  static char const said[] = "Remote host said: 452 " ;
  return len >= sizeof said - 1 && !!memmem(text, len, said, sizeof said - 1) ;
}
