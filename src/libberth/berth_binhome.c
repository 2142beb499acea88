/* ISC license. */
/* berth_binhome (berth/sibling.h): HOME for a binary in HOME/bin/. The callers decide whether to
   trust it (berth_home.c: a readable control/me; berth-queue's libberth/berth_home_chdir.c: owners).
   Trust: as berth_sibling, the kernel's /proc/self/exe only. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/sibling.h>

#define BIN_DIR "/bin/"

int berth_binhome (stralloc *sa)
{
  size_t base = sa->len ;
  size_t n = sizeof(BIN_DIR) - 1 ;
  size_t d ;
  if (!berth_sibling(sa, "")) return 0 ;
  d = sa->len - 1 - base ;   /* the directory, with its final slash */
  /* a nonempty HOME before /bin/ */
  if (d <= n || memcmp(sa->s + sa->len - 1 - n, BIN_DIR, n)) { sa->len = base ; return 0 ; }
  sa->len -= n + 1 ;
  return stralloc_0(sa) ;
}
