/* ISC license. */

/* After the keys are read: when root, switch to the numeric TLS_GID and TLS_UID (as s6).
   Returns 1 on success (or nothing to do), 0 with errno set; a malformed value is EINVAL. */

#include <unistd.h>
#include <stdlib.h>
#include <errno.h>
#include <grp.h>
#include <skalibs/types.h>
#include <berth/tls.h>

int berthtls_drop (void)
{
  char const *x ;
  if (geteuid()) return 1 ;
  x = getenv("TLS_GID") ;
  if (x)
  {
    gid_t g ;
    if (!gid0_scan(x, &g)) return (errno = EINVAL, 0) ;
    if (setgroups(1, &g) < 0 || setgid(g) < 0) return 0 ;
  }
  x = getenv("TLS_UID") ;
  if (x)
  {
    uid_t u ;
    if (!uid0_scan(x, &u)) return (errno = EINVAL, 0) ;
    if (setuid(u) < 0) return 0 ;
  }
  return 1 ;
}
