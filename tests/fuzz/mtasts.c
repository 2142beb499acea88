/* ISC license. */
/* libFuzzer target: MTA-STS input from the network (RFC 8461): the first byte picks the
   parser, the rest is its input. 0: a policy file (mtasts_policy_parse), 1: TXT records
   (mtasts_txt_pick; NULs separate them), 2: a cache entry (mtasts_cache_parse). Checks: a
   valid policy has a known mode, max_age within a year, mx patterns that are NUL-terminated
   lower-case names (a "*." only in front) and at least one unless the mode is none; an id is
   1 to 32 letters or digits; a parsed policy formats and parses back the same. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/mtasts.h>

static void check_mx (mtasts_policy const *p)
{
  if (p->mx.len && p->mx.s[p->mx.len - 1]) abort() ;
  for (size_t i = 0 ; i < p->mx.len ; i++)
  {
    char c = p->mx.s[i] ;
    if (!c) continue ;
    if (c >= 'A' && c <= 'Z') abort() ;
    if (c == '*' && i && p->mx.s[i-1]) abort() ;
  }
}

static void check_id (char const *id)
{
  size_t n = strlen(id) ;
  if (!n || n > MTASTS_ID_MAX) abort() ;
  for (size_t i = 0 ; i < n ; i++)
    if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9'))) abort() ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  mtasts_policy p = MTASTS_POLICY_ZERO, q = MTASTS_POLICY_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  char const *s = (char const *)data + 1 ;
  char const *why ;
  char id[MTASTS_ID_MAX + 1] ;
  if (!size || size > MTASTS_POLICY_MAX) return 0 ;
  switch (data[0] % 3)
  {
    case 0 :
      if (!mtasts_policy_parse(s, size - 1, &p, &why)) { if (!why) abort() ; break ; }
      if (p.mode < MTASTS_NONE || p.mode > MTASTS_ENFORCE || p.max_age > MTASTS_MAXAGE_MAX) abort() ;
      if (p.mode != MTASTS_NONE && !p.mx.len) abort() ;
      check_mx(&p) ;
      memcpy(p.id, "x", 2) ;
      if (!mtasts_cache_format(&sa, &p) || mtasts_cache_parse(sa.s, sa.len, &q) != 1) abort() ;
      if (q.mode != p.mode || q.max_age != p.max_age || q.mx.len != p.mx.len || memcmp(q.mx.s, p.mx.s, p.mx.len)) abort() ;
      break ;
    case 1 :
    {
      char *t = malloc(size) ;   /* NUL-terminated records, as dns_txt gives them */
      if (!t) return 0 ;
      memcpy(t, s, size - 1) ; t[size - 1] = 0 ;
      if (mtasts_txt_pick(t, size, id)) check_id(id) ;
      free(t) ;
      break ;
    }
    default :
      if (mtasts_cache_parse(s, size - 1, &p) == 1 && (p.mode < MTASTS_NONE || p.mode > MTASTS_ENFORCE)) abort() ;
      break ;
  }
  stralloc_free(&sa) ;
  stralloc_free(&p.mx) ;
  stralloc_free(&q.mx) ;
  return 0 ;
}
