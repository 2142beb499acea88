/* ISC license. */
/* One EHLO reply line: the extensions berth-remote uses, SIZE's limit, AUTH's mechanisms.
   Trust: the line comes from the remote server; only known keywords set anything. */

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
  { "CHUNKING", SMTPC_CHUNKING },
  { "DSN", SMTPC_DSN },
  { "REQUIRETLS", SMTPC_REQUIRETLS },
  { "AUTH", 0 },
} ;

/* the mechanisms after AUTH: words separated by spaces (RFC 4954 section 3) */
static unsigned int mechs (char const *s, size_t len)
{
  unsigned int flags = 0 ;
  size_t i = 0 ;
  while (i < len)
  {
    size_t j ;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '=')) i++ ;
    j = i ;
    while (j < len && s[j] != ' ' && s[j] != '\t') j++ ;
    if (j - i == 5 && !strncasecmp(s + i, "PLAIN", 5)) flags |= SMTPC_AUTH_PLAIN ;
    else if (j - i == 5 && !strncasecmp(s + i, "LOGIN", 5)) flags |= SMTPC_AUTH_LOGIN ;
    i = j ;
  }
  return flags ;
}

void smtpc_ehlo_line (smtpc_caps *caps, char const *s, size_t len)
{
  size_t k = 0 ;
  while (k < len && s[k] != ' ' && s[k] != '\t' && s[k] != '=') k++ ;
  for (size_t i = 0 ; i < sizeof keywords / sizeof *keywords ; i++)
  {
    if (strlen(keywords[i].name) != k || strncasecmp(s, keywords[i].name, k)) continue ;
    caps->flags |= keywords[i].flag ;
    if (!keywords[i].flag) caps->flags |= mechs(s + k, len - k) ;
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
