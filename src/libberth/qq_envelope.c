/* ISC license. */
/* The envelope as a qmail-queue program reads it on fd 1 (F sender, T recipient..., final NUL),
   built in memory for the writers that commit in process (berth-smtpd, berth-milter).
   Trust: the caller's addresses, checked again by envscan when committed. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>

int qq_envelope (stralloc *sa, char const *from, char const *rcpts, size_t rcptslen)
{
  if (!stralloc_catb(sa, "F", 1) || !stralloc_cats(sa, from) || !stralloc_0(sa)) return 0 ;
  for (size_t i = 0 ; i < rcptslen ; i += strlen(rcpts + i) + 1)
    if (!stralloc_catb(sa, "T", 1) || !stralloc_cats(sa, rcpts + i) || !stralloc_0(sa)) return 0 ;
  return stralloc_0(sa) ;
}
