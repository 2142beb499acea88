/* ISC license. */

#include <skalibs/stralloc.h>
#include <berth/smtpc.h>

/* A bare CR is sent as a line end too: the wire then never carries a CR or LF outside CRLF,
   so no stored byte sequence can look like <CRLF>.<CRLF> to a lax next hop (SMTP smuggling),
   nor like a line end to one that reads BDAT content as lines. */
int smtpc_encode_lines (stralloc *out, char const *s, size_t len, unsigned int *state, int stuff)
{
  if (!stralloc_readyplus(out, len + len / 8 + 4)) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = s[i] ;
    if (*state == SMTPC_ENC_CR)
    {
      if (!stralloc_catb(out, "\r\n", 2)) return 0 ;
      *state = SMTPC_ENC_BOL ;
      if (c == '\n') continue ;
    }
    if (c == '\r') { *state = SMTPC_ENC_CR ; continue ; }
    if (c == '\n')
    {
      if (!stralloc_catb(out, "\r\n", 2)) return 0 ;
      *state = SMTPC_ENC_BOL ;
      continue ;
    }
    if (stuff && *state == SMTPC_ENC_BOL && c == '.' && !stralloc_catb(out, ".", 1)) return 0 ;
    if (!stralloc_catb(out, &c, 1)) return 0 ;
    *state = SMTPC_ENC_MID ;
  }
  return 1 ;
}
