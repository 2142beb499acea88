/* ISC license. */
/* libFuzzer target: users/assign.cdb lookups (assign_lookup, used by berth-lspawn), on a cdb
   whose records may hold anything (as a corrupt or hand-made file could). The input is lines
   "key<TAB>data" (data may hold NULs) and a last line, the local part looked up. Checks: a found
   entry's four strings are NUL-terminated inside the result, its ext ends with the rest of the
   local part for a wildcard match, and only 1, 0 or -1 come back. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <skalibs/cdb.h>
#include <skalibs/cdbmake.h>
#include <skalibs/stralloc.h>
#include <berth/assign.h>

static int fd = -1 ;

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  char const *last ;
  cdbmaker cm = CDBMAKER_ZERO ;
  cdb c = CDB_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  assign a ;
  size_t i = 0 ;
  int r ;
  if (fd < 0 && (fd = memfd_create("berth-fuzz-cdb", 0)) < 0) abort() ;
  if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0 || !cdbmake_start(&cm, fd)) abort() ;
  for (;;)
  {
    char const *nl = memchr(s + i, '\n', size - i) ;
    char const *tab ;
    if (!nl) break ;
    tab = memchr(s + i, '\t', nl - (s + i)) ;
    if (tab && !cdbmake_add(&cm, s + i, tab - (s + i), tab + 1, nl - tab - 1)) abort() ;
    i = nl - s + 1 ;
  }
  if (!cdbmake_finish(&cm)) abort() ;
  if (!cdb_init_fromfd(&c, fd)) abort() ;
  {
    size_t llen = size - i ;
    char local[llen + 1] ;
    last = s + i ;
    memcpy(local, last, llen) ; local[llen] = 0 ;
    r = assign_lookup(&c, local, &a, &sa) ;
    if (r < -1 || r > 1) abort() ;
    if (r == 1)
    {
      size_t const off[4] = { a.user, a.home, a.dash, a.ext } ;
      size_t elen ;
      for (unsigned int k = 0 ; k < 4 ; k++)
        if (off[k] >= sa.len || !memchr(sa.s + off[k], 0, sa.len - off[k])) abort() ;
      elen = strlen(sa.s + a.ext) ;
      if (sa.s[sa.len - 1] || a.ext + elen + 1 != sa.len) abort() ;
    }
  }
  cdb_free(&c) ;
  stralloc_free(&sa) ;
  return 0 ;
}
