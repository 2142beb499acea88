/* ISC license. */
/* The queue tools: does a message match a selection (sender, recipient, recipient domain)?
   Comparisons are case-insensitive; a domain also matches its subdomains when given as ".dom". */

#include <string.h>
#include <strings.h>
#include <berth/qtool.h>

static int domain_is (char const *addr, char const *dom)
{
  char const *at = strrchr(addr, '@') ;
  size_t dl = strlen(dom), al ;
  if (!at) return 0 ;
  at++ ;
  if (dom[0] != '.') return !strcasecmp(at, dom) ;
  al = strlen(at) ;
  return al > dl && !strcasecmp(at + al - dl, dom) ;
}

int qtool_match (qtool_msg const *m, char kind, char const *pat)
{
  size_t n = genalloc_len(qtool_rcpt, &m->rcpts) ;
  qtool_rcpt const *r = genalloc_s(qtool_rcpt, &m->rcpts) ;
  if (kind == 'f') return !strcasecmp(m->data.s, pat) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char const *a = m->data.s + r[i].addr ;
    if (kind == 'r' ? !strcasecmp(a, pat) : domain_is(a, pat)) return 1 ;
  }
  return 0 ;
}
