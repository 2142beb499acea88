/* ISC license. */
/* An address as it is written inside <...>: the local part (up to the last @) as a dot-atom when
   it is one, else as a quoted string with a backslash before '"' and '\'. Two flavours:
   addr_quote for headers (qmail's quote2: 8-bit and CR/LF quoted as they are) and
   addr_quote_smtp for the SMTP wire (RFC 5321 4.1.2, RFC 6531: UTF-8 is atext; a byte no
   quoted string can hold is refused, never sent mangled).
   Trust: s comes from the queue: an SMTP peer's or a local user's bytes. */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/addrquote.h>

#define Q_HEADER 0
#define Q_SMTP 1

static int atomchar (unsigned char c, int mode)
{
  if (c >= 128) return mode == Q_SMTP ;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1 ;
  return c && !!strchr("!#$%&'*+-/=?^_`{|}~.", c) ;
}

static int need (char const *s, size_t n, int mode)
{
  if (!n || s[0] == '.' || s[n-1] == '.') return 1 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (!atomchar(s[i], mode)) return 1 ;
    if (i + 1 < n && s[i] == '.' && s[i+1] == '.') return 1 ;
  }
  return 0 ;
}

/* RFC 5321 qtextSMTP, quoted-pairSMTP and RFC 6531's UTF-8: every byte but controls and DEL */
static int smtpbyte (unsigned char c)
{
  return c >= 32 && c != 127 ;
}

/* The domain is not quoted: it must not hold a byte that ends the path or the command. */
static int domain_safe (char const *d)
{
  for (; *d ; d++)
  {
    unsigned char c = *d ;
    if (c <= 32 || c == 127 || c == '<' || c == '>' || c == '"' || c == '\\') return 0 ;
  }
  return 1 ;
}

static int quote (stralloc *sa, char const *s, int mode)
{
  char const *at = strrchr(s, '@') ;
  size_t n = at ? (size_t)(at - s) : strlen(s) ;
  size_t base = sa->len ;
  if (!*s) return 1 ;
  if (mode == Q_SMTP && at && !domain_safe(at + 1)) return (errno = EINVAL, 0) ;
  if (!need(s, n, mode)) return stralloc_cats(sa, s) ;
  if (!stralloc_readyplus(sa, 2 * n + 2)) return 0 ;
  sa->s[sa->len++] = '"' ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char c = s[i] ;
    if (mode == Q_SMTP && !smtpbyte(c)) { sa->len = base ; return (errno = EINVAL, 0) ; }
    if (c == '\r' || c == '\n' || c == '"' || c == '\\') sa->s[sa->len++] = '\\' ;
    sa->s[sa->len++] = c ;
  }
  sa->s[sa->len++] = '"' ;
  return at ? stralloc_cats(sa, at) : 1 ;
}

int addr_quote (stralloc *sa, char const *s)
{
  return quote(sa, s, Q_HEADER) ;
}

int addr_quote_smtp (stralloc *sa, char const *s)
{
  return quote(sa, s, Q_SMTP) ;
}
