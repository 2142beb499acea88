/* ISC license. */
/* libFuzzer target: the spawn protocol. berth-send's reading of spawner results (result_len,
   result_record, with the used slots and their recipient counts taken from the input's first
   bytes), the spawners' reading of jobs (spawner_jobscan) and its result texts (result_cat), all on
   the same bytes. Checks: every result and record stays inside the bytes received, codes and
   texts are what job_done expects, a job ends on its NUL and names fields inside itself. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include "../../src/berth-send/send.h"
#include "../../src/berth-lspawn/lspawn.h"
#include <berth/spawner.h>

#define FUZZ_SLOTS 8
#define FUZZ_NEED 5

static void results (char const *s, size_t len, size_t const *need, unsigned int used)
{
  size_t pos = 0 ;
  while (pos < len)
  {
    unsigned char slot = s[pos] ;
    size_t n ;
    char const *p = s + pos + 1 ;
    if (slot >= used) return ;   /* berth-send dies: unknown slot */
    n = result_len(s + pos, len - pos, need[slot]) ;
    if (!n) return ;
    if (n > len - pos || s[pos + n - 1]) abort() ;
    for (size_t i = 0 ; i < need[slot] ; i++)
    {
      char code ;
      char const *text, *facts ;
      size_t tlen, flen ;
      result_record(&p, &code, &text, &tlen, &facts, &flen) ;
      if (p > s + pos + n || tlen > TEXT_MAX || (tlen && (text < s || text + tlen > s + pos + n))) abort() ;
      if (flen > RES_FACTS_MAX || (flen && (facts < s || facts + flen > s + pos + n))) abort() ;
    }
    if (p != s + pos + n) abort() ;
    pos += n ;
  }
}

static void jobs (char const *s, size_t len)
{
  size_t pos = 0 ;
  while (pos < len)
  {
    spawner_jobin job ;
    char const *const *f = job.f ;
    size_t n = spawner_jobscan(s + pos, len - pos, &job) ;
    if (!n) return ;
    if (n > len - pos || s[pos + n - 1]) abort() ;
    for (unsigned int k = 0 ; job.n && k < 3 ; k++)
      if (!f[k] || f[k] <= s + pos || f[k] >= s + pos + n || !memchr(f[k], 0, s + pos + n - f[k])) abort() ;
    pos += n ;
  }
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  size_t need[FUZZ_SLOTS] ;
  unsigned int used ;
  stralloc sa = STRALLOC_ZERO ;
  if (size < 1 + FUZZ_SLOTS) return 0 ;
  used = 1 + data[0] % FUZZ_SLOTS ;
  for (unsigned int i = 0 ; i < FUZZ_SLOTS ; i++) need[i] = 1 + data[1 + i] % FUZZ_NEED ;
  data += 1 + FUZZ_SLOTS ; size -= 1 + FUZZ_SLOTS ;
  results((char const *)data, size, need, used) ;
  jobs((char const *)data, size) ;
  if (!result_cat(&sa, RESULT_TEMP, (char const *)data, size)) abort() ;
  if (sa.len < 2 || sa.len > RESULT_TEXT_MAX + 2 || sa.s[sa.len - 1] || sa.s[0] != RESULT_TEMP) abort() ;
  for (size_t i = 1 ; i + 1 < sa.len ; i++) if ((unsigned char)sa.s[i] < 32 || sa.s[i] == 127) abort() ;
  stralloc_free(&sa) ;
  return 0 ;
}
