/* ISC license. */
/* berth-mtasts: the HTTP/1.1 reply to its GET (RFC 9112): the status line must say 200, the
   Content-Type must be text/plain (RFC 8461 3.3), the body is read to the end of the connection
   or by chunks. Redirects are not followed (RFC 8461 3.3). Trust: the reply is the network's. */

#include <string.h>
#include <strings.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/mtasts.h>
#include "fetch.h"

#define HTTP_OK 200
#define CT "content-type:"
#define TE "transfer-encoding:"

static char const *field (char const *h, size_t hl, char const *name)
{
  size_t nl = strlen(name) ;
  for (char const *p = h ; p < h + hl ; )
  {
    char const *e = memchr(p, '\n', h + hl - p) ;
    if (!e) break ;
    if ((size_t)(e - p) > nl && !strncasecmp(p, name, nl))
    {
      p += nl ;
      while (*p == ' ' || *p == '\t') p++ ;
      return p ;
    }
    p = e + 1 ;
  }
  return 0 ;
}

static int dechunk (char const *s, size_t len, stralloc *body)
{
  for (size_t i = 0 ; i < len ; )
  {
    uint64_t n ;
    size_t k = uint64_xscan(s + i, &n) ;
    char const *e = memchr(s + i, '\n', len - i) ;
    if (!k || !e) return 0 ;
    i = e - s + 1 ;
    if (!n) return 1 ;
    if (n > len - i || body->len + n > MTASTS_POLICY_MAX) return 0 ;
    if (!stralloc_catb(body, s + i, n)) return 0 ;
    i += n ;
    if (i < len && s[i] == '\r') i++ ;
    if (i < len && s[i] == '\n') i++ ;
  }
  return 0 ;
}

int mtasts_http_body (stralloc const *reply, stralloc *body, char const **why)
{
  char const *s = reply->s ;
  size_t len = reply->len ;
  char const *end = 0, *v ;
  size_t hl ;
  unsigned int code ;
  for (size_t i = 0 ; i + 1 < len ; i++)
  {
    if (s[i] == '\n' && s[i+1] == '\n') { end = s + i + 2 ; break ; }
    if (s[i] == '\n' && s[i+1] == '\r' && i + 2 < len && s[i+2] == '\n') { end = s + i + 3 ; break ; }
  }
  if (!end) return (*why = "no end of the HTTP headers", 0) ;
  hl = end - s ;
  if (len < 12 || strncmp(s, "HTTP/1.", 7) || s[8] != ' ' || uint_scan(s + 9, &code) != 3)
    return (*why = "no HTTP status line", 0) ;
  if (code != HTTP_OK) return (*why = "an HTTP status other than 200", 0) ;
  v = field(s, hl, CT) ;
  if (!v || strncasecmp(v, "text/plain", 10) || (v[10] != ';' && v[10] != '\r' && v[10] != '\n' && v[10] != ' '))
    return (*why = "a Content-Type other than text/plain", 0) ;
  body->len = 0 ;
  v = field(s, hl, TE) ;
  if (v && !strncasecmp(v, "chunked", 7))
  {
    if (!dechunk(end, len - hl, body)) return (*why = "a bad chunked body", 0) ;
  }
  else if (len - hl > MTASTS_POLICY_MAX) return (*why = "a policy over 64 KiB", 0) ;
  else if (!stralloc_catb(body, end, len - hl)) return (*why = "out of memory", 0) ;
  return 1 ;
}
