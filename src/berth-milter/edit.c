/* ISC license. */
/* A milter's changes applied to the message, in the order the milter sent them, exactly as
   sent: a header value is written after "Name:" as it came (with SMFIP_HDR_LEADSPC) or after
   "Name: " (without, as Sendmail and Postfix do), its CRLF folds made LF (the queue's line
   ends); a new body is the milter's bytes with CRLF made LF. Header indexes: SMFIR_INSHEADER's
   counts every field from the top (0: first); SMFIR_CHGHEADER's counts the fields of that name
   from 1, an empty value deletes, an index past the last adds (Sendmail's rule). Recipients
   and the sender lose their angle brackets; ESMTP arguments are not kept (qmail's envelope has
   none). Trust: every packet is checked (milter_reply_scan, and an address of QQ_ADDR_MAX
   bytes or more) before the first change is made: a set with one bad packet changes nothing. */

#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <skalibs/uint32.h>
#include <berth/milter.h>
#include <berth/qq.h>
#include "bm.h"

/* s without CRs before LFs, appended */
static int catlf (stralloc *sa, char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len)
  {
    size_t j = i ;
    while (j < len && !(s[j] == '\r' && j + 1 < len && s[j+1] == '\n')) j++ ;
    if (!stralloc_catb(sa, s + i, j - i)) return 0 ;
    i = j + (j < len) ;
  }
  return 1 ;
}

static int newfield (stralloc *f, milter_reply const *r, int leadspc)
{
  f->len = 0 ;
  return stralloc_catb(f, r->a, r->alen) && stralloc_catb(f, ": ", leadspc ? 1 : 2)
    && catlf(f, r->b, r->blen) && stralloc_catb(f, "\n", 1) ;
}

static int insert (bm_msg *m, size_t at, milter_reply const *r, int leadspc)
{
  stralloc f = STRALLOC_ZERO ;
  size_t n = BM_NFIELDS(m) ;
  if (!newfield(&f, r, leadspc) || !genalloc_append(stralloc, &m->fields, &f)) { stralloc_free(&f) ; return 0 ; }
  if (at < n)
  {
    stralloc *p = genalloc_s(stralloc, &m->fields) ;
    memmove(p + at + 1, p + at, (n - at) * sizeof(stralloc)) ;
    p[at] = f ;
  }
  return 1 ;
}

static int change (bm_msg *m, milter_reply const *r, int leadspc)
{
  size_t i = 0, n = BM_NFIELDS(m) ;
  uint32_t seen = 0 ;
  for (; i < n ; i++)
  {
    stralloc *f = BM_FIELD(m, i) ;
    if (bm_field_namelen(f) != r->alen || strncasecmp(f->s, r->a, r->alen)) continue ;
    if (++seen < (r->index ? r->index : 1)) continue ;
    if (r->blen) return newfield(f, r, leadspc) ;
    stralloc_free(f) ;
    memmove(f, f + 1, (n - i - 1) * sizeof(stralloc)) ;
    genalloc_setlen(stralloc, &m->fields, n - 1) ;
    return 1 ;
  }
  return r->blen ? insert(m, n, r, leadspc) : 1 ;
}

/* an address without its angle brackets, NUL-terminated, in sa; 0 when too long */
static int addr (stralloc *sa, char const *s, size_t len)
{
  if (len >= 2 && s[0] == '<' && s[len-1] == '>') { s++ ; len -= 2 ; }
  if (len >= QQ_ADDR_MAX) return 0 ;
  sa->len = 0 ;
  return stralloc_catb(sa, s, len) && stralloc_0(sa) ;
}

/* Removes every recipient a, with its extension params (bm.h: rparams parallels rcpts). */
static int delrcpt (bm_msg *m, char const *a, size_t alen)
{
  stralloc keep = STRALLOC_ZERO, keepp = STRALLOC_ZERO ;
  size_t i = 0, j = 0 ;
  while (i < m->rcpts.len)
  {
    char const *ps = j < m->rparams.len ? m->rparams.s + j : "" ;   /* none past the end */
    size_t n = strlen(m->rcpts.s + i), pn = strlen(ps) ;
    if ((n != alen || strncasecmp(m->rcpts.s + i, a, n))
     && (!stralloc_catb(&keep, m->rcpts.s + i, n + 1) || !stralloc_catb(&keepp, ps, pn + 1)))
    {
      stralloc_free(&keep) ; stralloc_free(&keepp) ;
      return 0 ;
    }
    i += n + 1 ; j += pn + 1 ;
  }
  stralloc_free(&m->rcpts) ; stralloc_free(&m->rparams) ;
  m->rcpts = keep ; m->rparams = keepp ;
  return 1 ;
}

static int addrlen_ok (milter_reply const *r)
{
  size_t n = r->alen ;
  if (r->cmd != SMFIR_ADDRCPT && r->cmd != SMFIR_ADDRCPT_PAR && r->cmd != SMFIR_DELRCPT && r->cmd != SMFIR_CHGFROM) return 1 ;
  if (n >= 2 && r->a[0] == '<' && r->a[n-1] == '>') n -= 2 ;
  return n < QQ_ADDR_MAX ;
}

/* every packet whole and well-formed: nothing is applied from a set that is not */
static int check (stralloc const *mods)
{
  size_t i = 0 ;
  while (i < mods->len)
  {
    milter_reply r ;
    uint32_t len ;
    if (mods->len - i < 5) return 0 ;
    uint32_unpack_big(mods->s + i + 1, &len) ;
    if (len > mods->len - i - 5 || !milter_reply_scan(mods->s[i], mods->s + i + 5, len, &r) || !addrlen_ok(&r)) return 0 ;
    i += 5 + len ;
  }
  return 1 ;
}

int bm_apply (bm_msg *m, stralloc const *mods, int leadspc)
{
  stralloc a = STRALLOC_ZERO ;
  int newbody = 0 ;
  size_t i = 0 ;
  if (!check(mods)) return -1 ;
  while (i + 5 <= mods->len)
  {
    milter_reply r ;
    uint32_t len ;
    int ok = 1 ;
    uint32_unpack_big(mods->s + i + 1, &len) ;
    milter_reply_scan(mods->s[i], mods->s + i + 5, len, &r) ;
    i += 5 + len ;
    switch (r.cmd)
    {
      case SMFIR_ADDHEADER : ok = insert(m, BM_NFIELDS(m), &r, leadspc) ; break ;
      case SMFIR_INSHEADER : ok = insert(m, r.index < BM_NFIELDS(m) ? r.index : BM_NFIELDS(m), &r, leadspc) ; break ;
      case SMFIR_CHGHEADER : ok = change(m, &r, leadspc) ; break ;
      case SMFIR_ADDRCPT : case SMFIR_ADDRCPT_PAR :
        ok = addr(&a, r.a, r.alen) && stralloc_catb(&m->rcpts, a.s, a.len) && stralloc_0(&m->rparams) ; break ;
      case SMFIR_DELRCPT :
        ok = addr(&a, r.a, r.alen) && delrcpt(m, a.s, a.len - 1) ; break ;
      case SMFIR_CHGFROM :
        ok = addr(&a, r.a, r.alen) && stralloc_copyb(&m->from, a.s, a.len) ; break ;
      case SMFIR_REPLBODY :
        if (!newbody) { m->body.len = 0 ; newbody = 1 ; }
        ok = catlf(&m->body, r.a, r.alen) ; break ;
      case SMFIR_QUARANTINE :
        ok = stralloc_copyb(&m->hold, r.a, r.alen) ; break ;
      default : break ;
    }
    if (!ok) goto err ;
  }
  /* a body replaced by the milter: the blank line stays (a message with a body has one) */
  if (newbody && m->body.len) m->sep = 1 ;
  stralloc_free(&a) ;
  return 1 ;
 err:
  stralloc_free(&a) ;
  return 0 ;
}
