/* ISC license. */
/* One milter reply packet checked field by field (berth/milter.h). Trust: the packet comes
   from a milter, untrusted: every length is checked against the packet, a header name is
   printable ASCII without ':', a header value breaks lines only to fold them, an address
   holds no control byte, a reply code is 4xx or 5xx. The fuzz target "milter" drives it. */

#include <string.h>
#include <skalibs/uint32.h>
#include <berth/milter.h>

/* the NUL-terminated string at *pos: 1 and its place, or 0 when the packet ends first */
static int field (char const *s, size_t len, size_t *pos, char const **p, size_t *n)
{
  char const *end ;
  if (*pos >= len) return 0 ;
  end = memchr(s + *pos, 0, len - *pos) ;
  if (!end) return 0 ;
  *p = s + *pos ;
  *n = end - *p ;
  *pos += *n + 1 ;
  return 1 ;
}

static int name_ok (char const *s, size_t n)
{
  size_t i = 0 ;
  if (!n) return 0 ;
  for (; i < n ; i++) if ((unsigned char)s[i] <= 32 || (unsigned char)s[i] >= 127 || s[i] == ':') return 0 ;
  return 1 ;
}

/* a line break (LF or CRLF) only before a space or a tab: a fold, never a new header line */
static int value_ok (char const *s, size_t n)
{
  size_t i = 0 ;
  for (; i < n ; i++)
  {
    if (s[i] == '\r' && (i + 1 >= n || s[i+1] != '\n')) return 0 ;
    if (s[i] == '\n' && (i + 1 >= n || (s[i+1] != ' ' && s[i+1] != '\t'))) return 0 ;
  }
  return 1 ;
}

static int addr_ok (char const *s, size_t n)
{
  size_t i = 0 ;
  for (; i < n ; i++) if ((unsigned char)s[i] < 32 || s[i] == 127) return 0 ;
  return 1 ;
}

static int code_ok (char const *s, size_t n)
{
  size_t i = 0 ;
  if (n < 3 || (s[0] != '4' && s[0] != '5') || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') return 0 ;
  if (n > 3 && s[3] != ' ' && s[3] != '-') return 0 ;
  for (; i < n ; i++) if ((unsigned char)s[i] < 32 && s[i] != '\r' && s[i] != '\n' && s[i] != '\t') return 0 ;
  return 1 ;
}

int milter_reply_scan (char cmd, char const *s, size_t len, milter_reply *r)
{
  size_t pos = 0 ;
  memset(r, 0, sizeof *r) ;
  r->cmd = cmd ;
  switch (cmd)
  {
    case SMFIR_OPTNEG :
      if (len < 12) return 0 ;
      uint32_unpack_big(s, &r->version) ;
      uint32_unpack_big(s + 4, &r->actions) ;
      uint32_unpack_big(s + 8, &r->protocol) ;
      return 1 ;   /* libmilter may append a list of macros: not asked for, ignored */
    case SMFIR_ACCEPT : case SMFIR_CONTINUE : case SMFIR_DISCARD : case SMFIR_REJECT :
    case SMFIR_TEMPFAIL : case SMFIR_SKIP : case SMFIR_PROGRESS : case SMFIR_SHUTDOWN :
    case SMFIR_CONN_FAIL :
      return !len ;
    case SMFIR_REPLYCODE :
      return field(s, len, &pos, &r->a, &r->alen) && pos == len && code_ok(r->a, r->alen) ;
    case SMFIR_INSHEADER : case SMFIR_CHGHEADER :
      if (len < 4) return 0 ;
      uint32_unpack_big(s, &r->index) ;
      pos = 4 ;
      /* fall through */
    case SMFIR_ADDHEADER :
      return field(s, len, &pos, &r->a, &r->alen) && field(s, len, &pos, &r->b, &r->blen) && pos == len
        && name_ok(r->a, r->alen) && value_ok(r->b, r->blen) ;
    case SMFIR_ADDRCPT : case SMFIR_DELRCPT : case SMFIR_QUARANTINE :
      return field(s, len, &pos, &r->a, &r->alen) && pos == len && r->alen && addr_ok(r->a, r->alen) ;
    case SMFIR_ADDRCPT_PAR : case SMFIR_CHGFROM :
      if (!field(s, len, &pos, &r->a, &r->alen) || !addr_ok(r->a, r->alen)) return 0 ;
      if (pos < len && (!field(s, len, &pos, &r->b, &r->blen) || !addr_ok(r->b, r->blen))) return 0 ;
      return pos == len ;
    case SMFIR_REPLBODY :
      r->a = s ; r->alen = len ;
      return 1 ;
    case SMFIR_SETSYMLIST :
      return len >= 4 ;
    default : return 0 ;
  }
}
