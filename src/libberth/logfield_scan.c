/* ISC license. */

/* Reading key=value log fields back (berth/logfield.h): the inverse of logfield_cat and
   logfield_catq. Trust: the line is anyone's log line; everything is read within len, and a
   field that is not of the rule's form ends the scan with -1. */

#include <skalibs/stralloc.h>
#include <berth/logfield.h>

static int hexval (char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1 ;
}

static int iskey (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ;
}

int logfield_scan (char const *s, size_t len, size_t *pos, logfield_kv *kv, stralloc *val)
{
  size_t i = *pos ;
  int quoted ;
  if (i >= len) return 0 ;
  if (s[i] != ' ') return -1 ;
  kv->key = s + ++i ;
  while (i < len && iskey(s[i])) i++ ;
  kv->keylen = s + i - kv->key ;
  if (!kv->keylen || i >= len || s[i] != '=') return -1 ;
  i++ ;
  quoted = i < len && s[i] == '"' ;
  if (quoted) i++ ;
  val->len = 0 ;
  for (;;)
  {
    char c ;
    if (i >= len) { if (quoted) return -1 ; break ; }
    c = s[i] ;
    if (quoted && c == '"') { i++ ; break ; }
    if (!quoted && c == ' ') break ;
    if (c == '"' || (!quoted && c == '=')) return -1 ;
    if (c == '\\')
    {
      int h, l ;
      if (len - i < 4 || s[i+1] != 'x' || (h = hexval(s[i+2])) < 0 || (l = hexval(s[i+3])) < 0) return -1 ;
      c = (char)(h << 4 | l) ;
      i += 3 ;
    }
    if (!stralloc_catb(val, &c, 1)) return -1 ;
    i++ ;
  }
  if (i < len && s[i] != ' ') return -1 ;
  *pos = i ;
  return 1 ;
}
