/* ISC license. */
/* ORCPT (RFC 3461 4.2, RFC 6533 3) and ENVID (RFC 3461 4.4): checked, and ORCPT decoded for
   a report's Original-Recipient field.
   Trust: the values are an SMTP peer's or a queue file's; every byte is checked. */

#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <berth/envext.h>

#define UTF8_TYPE "utf-8"

/* The length of addr-type (an RFC 5322 atom) before the ';', or 0 when s has none. */
static size_t addrtype (char const *s, size_t len)
{
  size_t i = 0 ;
  for (; i < len && s[i] != ';' ; i++)
  {
    unsigned char c = s[i] ;
    if (c < 33 || c > 126 || byte_chr("()<>@,:\\\".[]", 12, c) < 12) return 0 ;
  }
  return i < len ? i : 0 ;
}

static int isutf8 (char const *s, size_t tlen)
{
  return tlen == sizeof(UTF8_TYPE) - 1 && !case_diffb(s, tlen, UTF8_TYPE) ;
}

/* utf-8-addr-xtext: QCHAR (33-126 without '+' and '='), "\x{HEX}" included. */
static int utf8xtext_ok (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c < 33 || c > 126 || c == '+' || c == '=') return 0 ;
  }
  return 1 ;
}

int envext_orcpt_ok (char const *s, size_t len)
{
  size_t t = addrtype(s, len) ;
  if (!t || len > ENVEXT_ORCPT_MAX || t + 1 >= len) return 0 ;
  return isutf8(s, t) ? utf8xtext_ok(s + t + 1, len - t - 1) : xtext_ok(s + t + 1, len - t - 1) ;
}

int envext_orcpt_decode (stralloc *sa, char const *s, size_t len)
{
  size_t t = addrtype(s, len), from = sa->len ;
  if (!t || !envext_orcpt_ok(s, len)) return 0 ;
  if (!stralloc_catb(sa, s, t + 1)) return 0 ;
  if (isutf8(s, t) ? stralloc_catb(sa, s + t + 1, len - t - 1) : xtext_decode(sa, s + t + 1, len - t - 1)) return 1 ;
  sa->len = from ;
  return 0 ;
}

int envext_orcpt_unitext_ok (char const *s, size_t len)
{
  size_t t = addrtype(s, len), n ;
  if (!t || t + 1 >= len || !isutf8(s, t)) return 0 ;
  n = envext_unitext_len(s + t + 1, len - t - 1) ;
  return n && t + 1 + n <= ENVEXT_ORCPT_MAX ;
}

int envext_orcpt_fmt (stralloc *sa, char const *s, size_t len, int unitext)
{
  size_t t = addrtype(s, len) ;
  if (!unitext) return stralloc_catb(sa, s, len) ;
  return t && stralloc_catb(sa, s, t + 1) && envext_unitext_xtext(sa, s + t + 1, len - t - 1) ;
}

int envext_envid_ok (char const *s, size_t len)
{
  return len && len <= ENVEXT_ENVID_MAX && xtext_ok(s, len) ;
}
