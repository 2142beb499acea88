/* ISC license. */
/* The one reader of the job framing from berth-send (berth/spawner.h), for both spawners.
   Trust: jobs come from berth-send; they are still only read within the bytes received. */

#include <string.h>
#include <berth/spawner.h>

size_t spawner_jobscan (char const *s, size_t len, spawner_jobin *job)
{
  size_t p = 1 ;
  unsigned int *n = &job->n ;
  char const **f = job->f ;
  *n = 0 ; job->bad = 0 ;
  f[0] = f[1] = f[2] = 0 ;
  while (p < len)
  {
    if (!s[p]) { job->s = s ; job->len = p + 1 ; return p + 1 ; }   /* an empty id where a triple starts: the end */
    for (unsigned int k = 0 ; k < 3 ; k++)
    {
      char const *z = p < len ? memchr(s + p, 0, len - p) : 0 ;
      if (!z) return 0 ;
      if (!*n) f[k] = s + p ;
      if (k == 2 && z == s + p) job->bad = 1 ;
      p = z - s + 1 ;
    }
    (*n)++ ;
  }
  return 0 ;
}
