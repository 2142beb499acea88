/* ISC license. */

#include <string.h>
#include <berth/dsn.h>

#define SAID "said: "
#define CONNECTED "Connected to "
#define NOT_LIKE " does not like "
#define HOST_WORD "host "

static size_t find (char const *s, size_t len, char const *pat, size_t from)
{
  size_t n = strlen(pat) ;
  for (size_t i = from ; i + n <= len ; i++) if (!memcmp(s + i, pat, n)) return i ;
  return len ;
}

static int ishostchar (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_' ;
}

static size_t hostlen_at (char const *s, size_t len, size_t i)
{
  size_t j = i ;
  while (j < len && ishostchar(s[j])) j++ ;
  while (j > i && s[j-1] == '.') j-- ;   /* "Connected to 1.2.3.4." ends a sentence */
  return j - i ;
}

void dsn_diag_parse (dsn_diag *d, char const *s, size_t len)
{
  size_t i ;
  d->host = d->hostlen = d->reply = d->replylen = 0 ;

  i = find(s, len, CONNECTED, 0) ;
  if (i < len)
  {
    d->host = i + sizeof(CONNECTED) - 1 ;
    d->hostlen = hostlen_at(s, len, d->host) ;
  }
  if (!d->hostlen)
  {
    i = find(s, len, NOT_LIKE, 0) ;
    if (i < len)
    {
      size_t j = i ;
      while (j && ishostchar(s[j-1])) j-- ;
      if (j == 0 || s[j-1] == ' ' || s[j-1] == '/') { d->host = j ; d->hostlen = i - j ; }
    }
  }

  i = find(s, len, SAID, 0) ;
  if (i < len)
  {
    d->reply = i + sizeof(SAID) - 1 ;
    while (d->reply < len && s[d->reply] == ' ') d->reply++ ;
    d->replylen = len - d->reply ;
    while (d->replylen && s[d->reply + d->replylen - 1] == ' ') d->replylen-- ;
    if (!d->hostlen && i >= sizeof(HOST_WORD) && s[i-1] == ' ')
    {
      /* "host NAME said: " names the host; "Remote host said: " does not. */
      size_t j = i - 1 ;
      while (j && ishostchar(s[j-1])) j-- ;
      if (j < i - 1 && j >= sizeof(HOST_WORD) - 1
       && !memcmp(s + j - (sizeof(HOST_WORD) - 1), HOST_WORD, sizeof(HOST_WORD) - 1))
      {
        d->host = j ;
        d->hostlen = i - 1 - j ;
      }
    }
  }
  if (!d->hostlen) d->host = 0 ;
}
