/* ISC license. */
/* The message and its envelope as qmail-queue gets them, split for the milters: the header
   fields (a line "name:" and its folded continuation lines), the blank line, the body. A line
   that is neither a field nor a continuation ends the header (it is the body's first line).
   bm_msg_write puts back exactly the bytes read when nothing was changed.
   Trust: the caller's bytes; any byte sequence parses. */

#include <string.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/envext.h>
#include <berth/qq.h>
#include "bm.h"

size_t bm_field_namelen (stralloc const *f)
{
  size_t i = 0 ;
  while (i < f->len && f->s[i] != ':') i++ ;
  return i ;
}

/* a header field's first line: a name of printable characters other than ':', then ':' */
static int fieldstart (char const *s, size_t len)
{
  size_t i = 0 ;
  for (; i < len ; i++)
  {
    if (s[i] == ':') return i > 0 ;
    if ((unsigned char)s[i] <= 32 || (unsigned char)s[i] >= 127) return 0 ;
  }
  return 0 ;
}

int bm_msg_parse (bm_msg *m, char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len)
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    size_t end = nl ? (size_t)(nl - s) + 1 : len ;
    if (end - i == 1 && s[i] == '\n') { m->sep = 1 ; i = end ; break ; }
    if (!fieldstart(s + i, end - i)) break ;
    while (end < len && (s[end] == ' ' || s[end] == '\t'))
    {
      nl = memchr(s + end, '\n', len - end) ;
      end = nl ? (size_t)(nl - s) + 1 : len ;
    }
    {
      stralloc f = STRALLOC_ZERO ;
      if (!stralloc_catb(&f, s + i, end - i) || !genalloc_append(stralloc, &m->fields, &f)) { stralloc_free(&f) ; return 0 ; }
    }
    i = end ;
  }
  return stralloc_catb(&m->body, s + i, len - i) ;
}

int bm_msg_write (bm_msg const *m, int fd)
{
  size_t i = 0, n = BM_NFIELDS(m) ;
  for (; i < n ; i++)
  {
    stralloc const *f = genalloc_s(stralloc, &m->fields) + i ;
    if (allwrite(fd, f->s, f->len) < f->len) return 0 ;
  }
  if (m->sep && allwrite(fd, "\n", 1) < 1) return 0 ;
  return allwrite(fd, m->body.s, m->body.len) == m->body.len ;
}

/* qmail-queue's envelope: F sender NUL, T recipient NUL..., NUL; berth's E record after F and
   an R record after each T are kept for the next queue program (doc/queue.md) */
int bm_env_parse (bm_msg *m, char const *s, size_t len)
{
  size_t i = 0 ;
  unsigned int n = 0 ;
  char last = 0 ;   /* the record before: F, T, or E/R (no extension record may follow those) */
  for (;;)
  {
    char const *end = i < len ? memchr(s + i, 0, len - i) : 0 ;
    size_t k ;
    if (!end) return QQ_READ ;
    k = end - (s + i) ;
    if (!k) break ;
    if ((last == 'F' && s[i] == ENVEXT_MAIL) || (last == 'T' && s[i] == ENVEXT_RCPT))
    {
      stralloc *p = s[i] == ENVEXT_MAIL ? &m->mparams : &m->rparams ;
      if (!envext_ok(s + i + 1, k - 1)) return QQ_ENVELOPE ;
      if (s[i] == ENVEXT_RCPT) p->len-- ;   /* replaces the recipient's empty params */
      else p->len = 0 ;
      if (!stralloc_catb(p, s + i + 1, k)) return QQ_NOMEM ;
      last = s[i] ; i += k + 1 ;
      continue ;
    }
    if (s[i] != (i ? 'T' : 'F')) return QQ_ENVELOPE ;
    if (k - 1 >= QQ_ADDR_MAX) return QQ_ADDR_TOO_LONG ;
    if (!stralloc_catb(i ? &m->rcpts : &m->from, s + i + 1, k)
     || !stralloc_0(i ? &m->rparams : &m->mparams)) return QQ_NOMEM ;
    n += !!i ;
    last = s[i] ; i += k + 1 ;
  }
  if (!n) return QQ_ENVELOPE ;
  return 0 ;
}

int bm_envelope (bm_msg const *m, stralloc *env)
{
  return qq_envelope_ext(env, m->from.s, m->mparams.len ? m->mparams.s : 0, m->rcpts.s, m->rcpts.len, m->rparams.len ? m->rparams.s : 0) ;
}
