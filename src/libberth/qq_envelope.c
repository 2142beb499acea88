/* ISC license. */
/* The envelope as a qmail-queue program reads it on fd 1 (F sender, T recipient..., final NUL),
   built in memory for the writers that commit in process (berth-smtpd, berth-milter), with
   berth's extension records when there are parameters (doc/queue.md).
   Trust: the caller's addresses and parameters, checked again by envscan when committed. */

#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/envext.h>
#include <berth/qq.h>

static int ext (stralloc *sa, char letter, char const *params)
{
  return !params || !*params
   || (stralloc_catb(sa, &letter, 1) && stralloc_cats(sa, params) && stralloc_0(sa)) ;
}

int qq_envelope_ext (stralloc *sa, char const *from, char const *mparams, char const *rcpts, size_t rcptslen, char const *rparams)
{
  size_t j = 0 ;
  if (!stralloc_catb(sa, "F", 1) || !stralloc_cats(sa, from) || !stralloc_0(sa) || !ext(sa, ENVEXT_MAIL, mparams)) return 0 ;
  for (size_t i = 0 ; i < rcptslen ; i += strlen(rcpts + i) + 1)
  {
    if (!stralloc_catb(sa, "T", 1) || !stralloc_cats(sa, rcpts + i) || !stralloc_0(sa)) return 0 ;
    if (rparams)
    {
      if (!ext(sa, ENVEXT_RCPT, rparams + j)) return 0 ;
      j += strlen(rparams + j) + 1 ;
    }
  }
  return stralloc_0(sa) ;
}

int qq_envelope (stralloc *sa, char const *from, char const *rcpts, size_t rcptslen)
{
  return qq_envelope_ext(sa, from, 0, rcpts, rcptslen, 0) ;
}
