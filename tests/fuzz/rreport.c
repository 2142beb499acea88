/* ISC license. */
/* libFuzzer target: the remote report protocol (berth-rspawn turning a qmail-remote report into
   spawn records, rreport_records) and the remote job framing (spawner_jobscan). The first byte picks
   the recipient count and the exit status; the records must be exactly n, each K/Z/D, printable,
   capped, with at most one facts separator and capped facts after it. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/rreport.h>
#include <berth/spawner.h>

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  stralloc out = STRALLOC_ZERO ;
  char const *s = (char const *)data + 1 ;
  unsigned int n, k = 0 ;
  size_t pos = 0 ;
  size_t j ;
  spawner_jobin job ;
  if (!size) return 0 ;
  n = data[0] >> 1 ;
  if (!rreport_records(&out, s, size - 1, data[0] & 1, n)) abort() ;
  while (pos < out.len)
  {
    char const *z = memchr(out.s + pos, 0, out.len - pos) ;
    if (!z) abort() ;
    if (out.s[pos] != 'K' && out.s[pos] != 'Z' && out.s[pos] != 'D') abort() ;
    char const *f = memchr(out.s + pos, RREPORT_FACTS_SEP, z - (out.s + pos)) ;
    char const *e = f ? f : z ;
    if ((size_t)(e - (out.s + pos)) > RREPORT_TEXT_MAX + 1) abort() ;
    if (f && (size_t)(z - f) > RREPORT_FACTS_MAX + 1) abort() ;
    for (char const *p = out.s + pos + 1 ; p < e ; p++) if ((unsigned char)*p < 32 || *p == 127) abort() ;   /* the text */
    if (f) for (char const *p = f + 1 ; p < z ; p++) if ((unsigned char)*p < 32 || (unsigned char)*p >= 127) abort() ;   /* the facts */
    pos = z - out.s + 1 ; k++ ;
  }
  if (k != n) abort() ;
  j = spawner_jobscan((char const *)data, size, &job) ;
  if (j && (j > size || data[j-1] || job.len != j || job.s != (char const *)data)) abort() ;
  stralloc_free(&out) ;
  return 0 ;
}
