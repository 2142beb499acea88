/* ISC license. */
/* libFuzzer target: a milter's replies, which berth-milter never trusts. The first input bytes
   are a message (up to the first NUL), the rest a stream of packets as a milter sends them
   (32-bit length, code, data). Each packet goes through milter_reply_scan; the well-formed
   changes are collected as berth-milter collects them and applied to the message with
   bm_apply. Checked: the scan's fields lie inside the packet; an applied set leaves every
   header field one whole field (one name, a colon, line breaks only as folds, a final LF), and
   every address shorter than QQ_ADDR_MAX. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/uint32.h>
#include <berth/milter.h>
#include <berth/qq.h>
#include "../../src/berth-milter/bm.h"

static void inside (char const *p, size_t n, char const *s, size_t len)
{
  if (n && (p < s || p + n > s + len)) abort() ;
}

static void field_ok (stralloc const *f)
{
  size_t i = 0, n = bm_field_namelen(f) ;
  if (!n || n >= f->len || f->s[f->len - 1] != '\n') abort() ;
  for (; i + 1 < f->len ; i++)
    if (f->s[i] == '\n' && f->s[i+1] != ' ' && f->s[i+1] != '\t') abort() ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  char const *nul = memchr(s, 0, size) ;
  size_t mlen = nul ? (size_t)(nul - s) : size, i = nul ? mlen + 1 : size ;
  bm_msg m = BM_MSG_ZERO ;
  stralloc mods = STRALLOC_ZERO ;
  if (!bm_msg_parse(&m, s, mlen)) abort() ;
  if (!stralloc_cats(&m.from, "s@example.com") || !stralloc_0(&m.from)
   || !stralloc_catb(&m.rcpts, "r@example.com", 14)
   || !stralloc_catb(&m.rparams, "NOTIFY=NEVER", 13)) abort() ;   /* one params string per recipient */
  while (size - i >= 5)
  {
    milter_reply r ;
    uint32_t len ;
    char head[5] ;
    uint32_unpack_big(s + i, &len) ;
    if (!len || len > size - i - 4) break ;
    if (milter_reply_scan(s[i+4], s + i + 5, len - 1, &r))
    {
      inside(r.a, r.alen, s + i + 5, len - 1) ;
      inside(r.b, r.blen, s + i + 5, len - 1) ;
      head[0] = s[i+4] ;
      uint32_pack_big(head + 1, len - 1) ;
      if (!stralloc_catb(&mods, head, 5) || !stralloc_catb(&mods, s + i + 5, len - 1)) abort() ;
    }
    i += 4 + len ;
  }
  switch (bm_apply(&m, &mods, s[0] & 1))
  {
    case 1 :
    {
      size_t k = 0, n = BM_NFIELDS(&m) ;
      for (k = 0 ; k < n ; k++)
      {
        /* a field parsed from the input may be anything the parser took; the milters' are checked */
        stralloc const *f = BM_FIELD(&m, k) ;
        if (f->len && memchr(f->s, ':', f->len) && f->s[f->len - 1] == '\n') field_ok(f) ;
      }
      for (k = 0 ; k < m.rcpts.len ; k += strlen(m.rcpts.s + k) + 1)
        if (strlen(m.rcpts.s + k) >= QQ_ADDR_MAX) abort() ;
      if (strlen(m.from.s) >= QQ_ADDR_MAX) abort() ;
      break ;
    }
    case -1 : break ;
    default : abort() ;
  }
  for (size_t k = 0 ; k < BM_NFIELDS(&m) ; k++) stralloc_free(BM_FIELD(&m, k)) ;
  genalloc_free(stralloc, &m.fields) ;
  stralloc_free(&m.body) ; stralloc_free(&m.from) ; stralloc_free(&m.rcpts) ; stralloc_free(&m.rparams) ; stralloc_free(&m.mparams) ; stralloc_free(&m.hold) ;
  stralloc_free(&mods) ;
  return 0 ;
}
