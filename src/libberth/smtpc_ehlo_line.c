/* ISC license. */

#include <string.h>
#include <strings.h>
#include <berth/smtpc.h>

struct kw { char const *name ; unsigned int flag ; } ;
static struct kw const keywords[] =
{
  { "PIPELINING", SMTPC_PIPELINING },
  { "8BITMIME", SMTPC_8BITMIME },
  { "SMTPUTF8", SMTPC_SMTPUTF8 },
  { "SIZE", SMTPC_SIZE },
  { "STARTTLS", SMTPC_STARTTLS },
} ;

void smtpc_ehlo_line (smtpc_caps *caps, char const *s, size_t len)
{
  size_t k = 0 ;
  while (k < len && s[k] != ' ' && s[k] != '\t' && s[k] != '=') k++ ;
  for (size_t i = 0 ; i < sizeof keywords / sizeof *keywords ; i++)
  {
    if (strlen(keywords[i].name) != k || strncasecmp(s, keywords[i].name, k)) continue ;
    caps->flags |= keywords[i].flag ;
    if (keywords[i].flag == SMTPC_SIZE)
    {
      uint64_t n = 0 ;
      size_t j = k ;
      while (j < len && (s[j] == ' ' || s[j] == '\t')) j++ ;
      for (; j < len && s[j] >= '0' && s[j] <= '9' ; j++)
      {
        if (n > (UINT64_MAX - 9) / 10) { n = 0 ; break ; }
        n = n * 10 + (s[j] - '0') ;
      }
      caps->size = n ;
    }
  }
}
