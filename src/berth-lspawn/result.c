/* ISC license. */
/* Result texts: at most RESULT_TEXT_MAX bytes, one line (newlines shown as '/', as qmail-send
   logs them), no NUL/CR/controls. */

#include <skalibs/stralloc.h>
#include "lspawn.h"

int result_cat (stralloc *sa, char code, char const *s, size_t len)
{
  if (len > RESULT_TEXT_MAX) len = RESULT_TEXT_MAX ;
  if (!stralloc_readyplus(sa, len + 2)) return 0 ;
  sa->s[sa->len++] = code ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char ch = s[i] ;
    sa->s[sa->len++] = ch == '\n' ? '/' : ch < 32 || ch == 127 ? '_' : ch ;
  }
  sa->s[sa->len++] = 0 ;
  return 1 ;
}
