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

  /* A reply is quoted only as "Remote host said: " or "host NAME said: "; any other "said: "
     (a local program's words) is not an SMTP reply. */
  for (i = find(s, len, SAID, 0) ; i < len ; i = find(s, len, SAID, i + 1))
  {
    size_t j = i, namelen = 0 ;
    if (!j || s[j-1] != ' ') continue ;
    j-- ;
    if (!(j >= 4 && !memcmp(s + j - 4, "host", 4)))
    {
      size_t k = j ;
      while (k && ishostchar(s[k-1])) k-- ;
      if (k == j || k < sizeof(HOST_WORD) - 1
       || memcmp(s + k - (sizeof(HOST_WORD) - 1), HOST_WORD, sizeof(HOST_WORD) - 1) != 0) continue ;
      namelen = j - k ;
      j = k ;
    }
    if (namelen && !d->hostlen) { d->host = j ; d->hostlen = namelen ; }
    d->reply = i + sizeof(SAID) - 1 ;
    while (d->reply < len && s[d->reply] == ' ') d->reply++ ;
    d->replylen = len - d->reply ;
    while (d->replylen && s[d->reply + d->replylen - 1] == ' ') d->replylen-- ;
    break ;
  }
  if (!d->hostlen) d->host = 0 ;
}
