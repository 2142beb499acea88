/* ISC license. */

#include <string.h>
#include <skalibs/genalloc.h>
#include <skalibs/types.h>
#include <berth/dsn.h>

#define DSN_REC_EMPTY { .addr = 0, .addrlen = 0, .text = 0, .textlen = 0, .mparams = 0, .mparamslen = 0, .params = 0, .paramslen = 0, .when = 0, .status = 0 }

int dsn_records_parse (genalloc *ga, char const *s, size_t len)
{
  dsn_rcpt r = DSN_REC_EMPTY ;
  int have = 0, n = 0 ;
  size_t i = 0 ;
  while (i < len)
  {
    char const *nul = memchr(s + i, 0, len - i) ;
    size_t flen ;
    if (!nul) break ;   /* a field cut short: the record is incomplete */
    flen = nul - (s + i) ;
    if (!flen)
    {
      if (have)
      {
        if (!genalloc_append(dsn_rcpt, ga, &r)) return -1 ;
        n++ ;
      }
      r = (dsn_rcpt)DSN_REC_EMPTY ;
      have = 0 ;
    }
    else switch (s[i])
    {
      case 'R' : r.addr = i + 1 ; r.addrlen = flen - 1 ; have = 1 ; break ;
      case 'S' : r.status = flen > 1 ? s[i+1] : 0 ; break ;
      case 'T' :
      {
        uint64_t u ;
        if (uint64_scan(s + i + 1, &u) == flen - 1) r.when = u ;
        break ;
      }
      case 'X' : r.text = i + 1 ; r.textlen = flen - 1 ; break ;
      case 'E' : r.mparams = i + 1 ; r.mparamslen = flen - 1 ; break ;
      case 'P' : r.params = i + 1 ; r.paramslen = flen - 1 ; break ;
      default : break ;
    }
    i += flen + 1 ;
  }
  return n ;
}
