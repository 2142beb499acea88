/* ISC license. */
/* Table-driven tests of qmail-send's retry schedule (retry_next, retry_expired). */

#include <berth/retry.h>
#include "tap.h"

struct ncase { uint64_t birth ; uint64_t now ; unsigned int skip ; unsigned long scale ; uint64_t next ; } ;
static struct ncase const nexts[] =
{
  { 0, 0, 10, 1, 100000 },              /* local: first retry 100 s after birth */
  { 0, 100000, 10, 1, 400000 },         /* (10 + 10)^2 */
  { 0, 400000, 10, 1, 900000 },         /* (20 + 10)^2 */
  { 0, 0, 20, 1, 400000 },              /* remote: 400 s */
  { 0, 400000, 20, 1, 1600000 },        /* (20 + 20)^2 */
  { 0, 1600000, 20, 1, 3600000 },       /* (40 + 20)^2 */
  { 5000, 5000 + 399999, 20, 1, 5000 + 1521000 },  /* isqrt(399) = 19: (19 + 20)^2 */
  { 1000, 1000, 10, 400, 1000 + 250 },  /* scaled: 100 s / 400 */
  { 0, 250, 20, 400, 2250 },            /* age 100 s scaled: (10 + 20)^2 / 400 = 2.25 s */
  { 0, 0, 0, 1, 1 },                    /* never at or before now */
} ;

struct ecase { uint64_t birth ; uint64_t now ; unsigned long lifetime ; unsigned long scale ; int expired ; } ;
static struct ecase const exps[] =
{
  { 0, 604799999, 604800, 1, 0 },
  { 0, 604800000, 604800, 1, 1 },
  { 1000, 3499, 1000, 400, 0 },
  { 1000, 3500, 1000, 400, 1 },
  { 5000, 4000, 1, 1, 0 },              /* clock behind birth */
} ;

int main (void)
{
  size_t nn = sizeof nexts / sizeof *nexts, ne = sizeof exps / sizeof *exps ;
  TAP_PLAN(nn + ne) ;
  for (size_t i = 0 ; i < nn ; i++)
  {
    uint64_t got = retry_next(nexts[i].birth, nexts[i].now, nexts[i].skip, nexts[i].scale) ;
    TAP_OK(got == nexts[i].next, "retry_next case %zu: got %llu, want %llu", i, (unsigned long long)got, (unsigned long long)nexts[i].next) ;
  }
  for (size_t i = 0 ; i < ne ; i++)
    TAP_OK(retry_expired(exps[i].birth, exps[i].now, exps[i].lifetime, exps[i].scale) == exps[i].expired, "retry_expired case %zu", i) ;
  return TAP_DONE() ;
}
