/* ISC license. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/rewrite.h>

static size_t lastat (char const *s, size_t len)
{
  size_t i = len ;
  while (i--) if (s[i] == '@') return i ;
  return len ;
}

static int vlookup (rewrite const *rw, char const *key, size_t keylen, char const **x)
{
  return rewrite_lookup(rw->vdoms.s, rw->vdoms.len, key, keylen, ':', x) ;
}

int rewrite_rcpt (stralloc *out, char const *addr, rewrite const *rw)
{
  stralloc a = STRALLOC_ZERO ;
  char const *x = 0 ;
  size_t at ;
  int found = 0 ;
  if (!stralloc_copys(&a, addr)) return 0 ;
  at = lastat(a.s, a.len) ;
  if (at == a.len)
  {
    if (!stralloc_catb(&a, "@", 1) || !stralloc_cats(&a, rw->envnoathost.s ? rw->envnoathost.s : "")) goto err ;
  }

  /* percent hack: u%fqdn@dom -> u@fqdn while dom is listed */
  for (;;)
  {
    size_t j ;
    at = lastat(a.s, a.len) ;
    if (!rewrite_lookup(rw->percenthack.s, rw->percenthack.len, a.s + at + 1, a.len - at - 1, 0, 0)) break ;
    j = at ;
    while (j-- && a.s[j] != '%') ;
    if (j == (size_t)-1) break ;
    a.len = at ;
    a.s[j] = '@' ;
  }
  at = lastat(a.s, a.len) ;

  if (rewrite_lookup(rw->locals.s, rw->locals.len, a.s + at + 1, a.len - at - 1, 0, 0))
  {
    if (!stralloc_copyb(out, a.s, a.len) || !stralloc_0(out)) goto err ;
    out->len-- ; stralloc_free(&a) ;
    return REWRITE_LOCAL ;
  }

  /* virtualdomains: exact address, domain, .suffix parts (longest first), empty key */
  if (vlookup(rw, a.s, a.len, &x)) found = 1 ;
  else if (vlookup(rw, a.s + at + 1, a.len - at - 1, &x)) found = 1 ;
  else
  {
    size_t j ;
    for (j = at + 1 ; j < a.len ; j++)
      if (a.s[j] == '.' && vlookup(rw, a.s + j, a.len - j, &x)) { found = 1 ; break ; }
    if (!found && vlookup(rw, "", 0, &x)) found = 1 ;
  }
  if (found && *x)
  {
    if (!stralloc_copys(out, x) || !stralloc_catb(out, "-", 1) || !stralloc_catb(out, a.s, a.len) || !stralloc_0(out)) goto err ;
    out->len-- ; stralloc_free(&a) ;
    return REWRITE_LOCAL ;
  }
  if (!stralloc_copyb(out, a.s, a.len) || !stralloc_0(out)) goto err ;
  out->len-- ; stralloc_free(&a) ;
  return REWRITE_REMOTE ;
 err:
  stralloc_free(&a) ;
  return 0 ;
}
