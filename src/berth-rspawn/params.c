/* ISC license. */
/* berth-rspawn: the extension params of a job (doc/berth-start.md, "Spawn protocol": a remote
   job's sender and recipients may end in \037 and their params), taken off the words given to
   berth-remote, whose argv stays qmail-remote's, and handed to it in two environment variables:
   BERTH_MAILPARAMS (the E record's params) and BERTH_RCPTPARAMS (one line per argv recipient,
   in argv order, its R record's params or empty). Both are unset for a job without params.
   Trust: jobs come from berth-send; a params string is cut at the first control byte. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include "rspawn.h"

#define SEP '\037'

/* sa += the word at s (up to \037 or its end), NUL; *params = what follows the \037, or "" */
static int word (stralloc *sa, char const *s, char const **params)
{
  char const *sep = strchr(s, SEP) ;
  *params = sep ? sep + 1 : "" ;
  return stralloc_catb(sa, s, sep ? (size_t)(sep - s) : strlen(s)) && stralloc_0(sa) ;
}

/* sa += params up to the first control byte */
static int clean (stralloc *sa, char const *p)
{
  size_t n = 0 ;
  while ((unsigned char)p[n] >= 32) n++ ;
  return stralloc_catb(sa, p, n) ;
}

int rspawn_params (rparams *rp, char const *job, unsigned int n)
{
  char const *s = job + strlen(job) + 1 ;   /* past the first id */
  char const *p ;
  rp->words.len = rp->mail.len = rp->rcpt.len = 0 ;
  rp->any = 0 ;
  if (!word(&rp->words, s, &p) || !clean(&rp->mail, p) || !stralloc_0(&rp->mail)) return 0 ;
  rp->any = *p != 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    /* each triple: id, sender, rcpt; the sender is the same in every one */
    s += strlen(s) + 1 ;
    if (!word(&rp->words, s, &p) || (i && !stralloc_catb(&rp->rcpt, "\n", 1)) || !clean(&rp->rcpt, p)) return 0 ;
    rp->any |= *p != 0 ;
    s += strlen(s) + 1 ;
    s += strlen(s) + 1 ;
  }
  return stralloc_0(&rp->rcpt) ;
}

int rspawn_params_env (rparams const *rp)
{
  if (!rp->any) return unsetenv(RSPAWN_MAILPARAMS) == 0 && unsetenv(RSPAWN_RCPTPARAMS) == 0 ;
  return setenv(RSPAWN_MAILPARAMS, rp->mail.s, 1) == 0 && setenv(RSPAWN_RCPTPARAMS, rp->rcpt.s, 1) == 0 ;
}
