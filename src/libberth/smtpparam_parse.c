/* ISC license. */

#include <stdint.h>
#include <string.h>
#include <skalibs/bytestr.h>
#include <berth/envext.h>
#include <berth/smtpaddr.h>

#define KEY_MAX 64

static int keyis (char const *k, size_t klen, char const *name)
{
  size_t n = strlen(name) ;
  return klen == n && !case_diffb(k, n, name) ;
}

static int size_scan (char const *v, size_t vlen, uint64_t *u)
{
  uint64_t x = 0 ;
  size_t i = 0 ;
  if (!vlen || vlen > 20) return 0 ;
  for (; i < vlen ; i++)
  {
    unsigned int d ;
    if (v[i] < '0' || v[i] > '9') return 0 ;
    d = v[i] - '0' ;
    x = (x > (UINT64_MAX - d) / 10) ? UINT64_MAX : x * 10 + d ;
  }
  *u = x ;
  return 1 ;
}

int smtpparam_parse (smtpparam *p, char const *s, size_t len, unsigned int verb)
{
  size_t i = 0 ;
  int hasbody = 0, eight = 0 ;
  for (;;)
  {
    size_t k, klen, v = 0, vlen = 0 ;
    while (i < len && s[i] == ' ') i++ ;
    if (i >= len) return SMTPPARAM_OK ;
    k = i ;
    while (i < len && s[i] != ' ' && s[i] != '=') i++ ;
    klen = i - k ;
    if (!klen || klen > KEY_MAX) return SMTPPARAM_SYNTAX ;
    if (i < len && s[i] == '=')
    {
      v = ++i ;
      while (i < len && s[i] != ' ') i++ ;
      vlen = i - v ;
      if (!vlen) return SMTPPARAM_SYNTAX ;
    }
    {
      size_t j = k ;
      for (; j < k + klen ; j++)
      {
        unsigned char c = s[j] ;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c == '-' && j > k)))
          return SMTPPARAM_SYNTAX ;
      }
      eight = 0 ;
      for (j = v ; j < v + vlen ; j++)
      {
        if ((unsigned char)s[j] < 33 || (unsigned char)s[j] == 127) return SMTPPARAM_SYNTAX ;
        if ((unsigned char)s[j] > 127) eight = 1 ;
      }
    }
    /* 8-bit bytes only in RFC 6533's raw UTF-8 ORCPT */
    if (eight && (verb == SMTPPARAM_MAIL || !keyis(s + k, klen, "ORCPT"))) return SMTPPARAM_SYNTAX ;
    if (verb != SMTPPARAM_MAIL)
    {
      if (keyis(s + k, klen, "NOTIFY"))
      {
        unsigned int bits ;
        if (p->notify || !envext_notify_scan(s + v, vlen, &bits)) return SMTPPARAM_SYNTAX ;
        p->notify = bits ; p->dsn = 1 ;
      }
      else if (keyis(s + k, klen, "ORCPT"))
      {
        if (p->orcpt || !(eight ? envext_orcpt_unitext_ok(s + v, vlen) : envext_orcpt_ok(s + v, vlen))) return SMTPPARAM_SYNTAX ;
        p->orcpt = s + v ; p->orcptlen = vlen ; p->orcpt8 = eight ; p->dsn = 1 ;
      }
      else return SMTPPARAM_UNKNOWN ;
    }
    else if (keyis(s + k, klen, "RET"))
    {
      if (p->ret || !vlen) return SMTPPARAM_SYNTAX ;
      if (keyis(s + v, vlen, "FULL")) p->ret = ENVEXT_RET_FULL ;
      else if (keyis(s + v, vlen, "HDRS")) p->ret = ENVEXT_RET_HDRS ;
      else return SMTPPARAM_SYNTAX ;
      p->dsn = 1 ;
    }
    else if (keyis(s + k, klen, "ENVID"))
    {
      if (p->envid || !envext_envid_ok(s + v, vlen)) return SMTPPARAM_SYNTAX ;
      p->envid = s + v ; p->envidlen = vlen ; p->dsn = 1 ;
    }
    else if (keyis(s + k, klen, "REQUIRETLS"))
    {
      if (vlen || p->requiretls) return SMTPPARAM_SYNTAX ;
      p->requiretls = 1 ;
    }
    else if (keyis(s + k, klen, "SIZE"))
    {
      if (p->hassize || !size_scan(s + v, vlen, &p->size)) return SMTPPARAM_SYNTAX ;
      p->hassize = 1 ;
    }
    else if (keyis(s + k, klen, "BODY"))
    {
      if (hasbody || !vlen) return SMTPPARAM_SYNTAX ;
      if (keyis(s + v, vlen, "7BIT")) p->body = SMTPPARAM_BODY_7BIT ;
      else if (keyis(s + v, vlen, "8BITMIME")) p->body = SMTPPARAM_BODY_8BITMIME ;
      else return SMTPPARAM_SYNTAX ;
      hasbody = 1 ;
    }
    else if (keyis(s + k, klen, "SMTPUTF8"))
    {
      if (vlen || p->smtputf8) return SMTPPARAM_SYNTAX ;
      p->smtputf8 = 1 ;
    }
    else return SMTPPARAM_UNKNOWN ;
  }
}
