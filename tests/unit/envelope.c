/* ISC license. */
/* Table-driven tests of envscan_feed: the qmail-queue envelope checker. */

#include <string.h>
#include <berth/envelope.h>
#include <berth/qq.h>
#include "tap.h"

struct ecase { char const *name ; char const *s ; size_t len ; int done ; int code ; size_t used ; } ;
#define C(name, lit, done, code, used) { name, lit, sizeof(lit) - 1, done, code, used }

static struct ecase const cases[] =
{
  C("one recipient", "Fa@b\0Tc@d\0\0", 1, 0, 11),
  C("null sender, two rcpts", "F\0Tx\0Ty\0\0", 1, 0, 9),
  C("no recipients", "Fa\0\0", 1, 0, 4),
  C("stops at the final NUL", "Fa\0Tb\0\0junk", 1, 0, 7),
  C("missing final NUL", "Fa\0Tb\0", 0, 0, 6),
  C("empty", "", 0, 0, 0),
  C("no F", "Xa\0\0", 0, QQ_ENVELOPE, 0),
  C("record not T", "Fa\0Xb\0\0", 0, QQ_ENVELOPE, 0),
  C("garbage", "\377\376\375", 0, QQ_ENVELOPE, 0),
  C("truncated sender", "Fabc", 0, 0, 4),
} ;

static int run (char const *s, size_t len, size_t chunk, int *done, int *code, size_t *used)
{
  envscan e = ENVSCAN_ZERO ;
  size_t i = 0 ;
  *done = 0 ; *code = 0 ; *used = 0 ;
  while (i < len && !*done)
  {
    size_t n = len - i < chunk ? len - i : chunk ;
    ssize_t r = envscan_feed(&e, s + i, n, done, code) ;
    if (r < 0) return -1 ;
    *used += r ; i += n ;
  }
  return 0 ;
}

int main (void)
{
  static char big[2 * QQ_ADDR_MAX + 8] ;
  size_t ncases = sizeof cases / sizeof *cases ;
  TAP_PLAN(ncases * 2 + 8) ;
  for (size_t i = 0 ; i < ncases ; i++)
  {
    for (size_t chunk = 1 ; chunk <= 4096 ; chunk += 4095)
    {
      int done, code ; size_t used ;
      int r = run(cases[i].s, cases[i].len, chunk, &done, &code, &used) ;
      int ok = cases[i].code ? (r < 0 && code == cases[i].code)
                             : (r == 0 && done == cases[i].done && used == cases[i].used) ;
      TAP_OK(ok, "%s (chunks of %zu)", cases[i].name, chunk) ;
    }
  }
  {
    int done, code ; size_t used ;
    big[0] = 'F' ; memset(big + 1, 'a', QQ_ADDR_MAX - 1) ; big[QQ_ADDR_MAX] = 0 ; big[QQ_ADDR_MAX + 1] = 0 ;
    TAP_OK(run(big, QQ_ADDR_MAX + 2, 4096, &done, &code, &used) == 0 && done, "address of %d bytes accepted", QQ_ADDR_MAX - 1) ;
    memset(big + 1, 'a', QQ_ADDR_MAX) ; big[QQ_ADDR_MAX + 1] = 0 ; big[QQ_ADDR_MAX + 2] = 0 ;
    TAP_OK(run(big, QQ_ADDR_MAX + 3, 4096, &done, &code, &used) < 0 && code == QQ_ADDR_TOO_LONG, "address of %d bytes refused with 11", QQ_ADDR_MAX) ;
    memcpy(big, "F\0T", 3) ; memset(big + 3, 'b', QQ_ADDR_MAX + 1) ;
    TAP_OK(run(big, QQ_ADDR_MAX + 4, 7, &done, &code, &used) < 0 && code == QQ_ADDR_TOO_LONG, "long recipient refused with 11") ;
  }
  {
    /* the limits: recipients, then bytes (F record through the final NUL) */
    static char const env[] = "Fa\0Tb\0Tc\0\0" ;   /* 2 recipients, 10 bytes */
    int done, code ;
    envscan e = ENVSCAN_ZERO ;
    e.maxrcpt = 2 ;
    TAP_OK(envscan_feed(&e, env, sizeof env - 1, &done, &code) == 10 && done, "2 recipients, limit 2: accepted") ;
    e = (envscan)ENVSCAN_ZERO ; e.maxrcpt = 1 ;
    TAP_OK(envscan_feed(&e, env, sizeof env - 1, &done, &code) < 0 && code == QQ_PERM_REFUSED && e.over == ENVSCAN_OVER_RCPTS,
           "2 recipients, limit 1: refused (31, over recipients)") ;
    e = (envscan)ENVSCAN_ZERO ; e.maxbytes = 10 ;
    TAP_OK(envscan_feed(&e, env, sizeof env - 1, &done, &code) == 10 && done, "10 bytes, limit 10: accepted") ;
    e = (envscan)ENVSCAN_ZERO ; e.maxbytes = 9 ;
    TAP_OK(envscan_feed(&e, env, 5, &done, &code) == 5 && envscan_feed(&e, env + 5, 5, &done, &code) < 0
           && code == QQ_PERM_REFUSED && e.over == ENVSCAN_OVER_BYTES, "10 bytes in two feeds, limit 9: refused (31, over bytes)") ;
    TAP_OK(envscan_text(&e)[0] == 'D' && strstr(envscan_text(&e), "(#5.3.4)") != 0, "its text is permanent (%s)", envscan_text(&e)) ;
  }
  return TAP_DONE() ;
}
