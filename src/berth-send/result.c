/* ISC license. */
/* The spawn protocol's results, as berth-send reads them from a spawner: a slot byte, then one
   record (code, text, NUL) per recipient of the job. Trust: the spawners are ours, but a result
   is only read within the bytes received and its records' NULs. */

#include <string.h>
#include "send.h"

size_t result_len (char const *s, size_t len, size_t need)
{
  size_t n = 0, i = 1 ;
  for (; n < need && i < len ; i++) if (!s[i]) n++ ;
  return n < need ? 0 : i ;
}

void result_record (char const **p, char *code, char const **text, size_t *tlen)
{
  size_t len = strlen(*p) ;
  *code = len ? (*p)[0] : RES_DEFER ;
  *text = len ? *p + 1 : "" ;
  *tlen = len ? len - 1 : 0 ;
  if (*tlen > TEXT_MAX) *tlen = TEXT_MAX ;
  *p += len + 1 ;
}
