/* ISC license. */
/* berth-getpw: answers passwd lookups on a pipe, for berth-lspawn. berth-lspawn forks one child
   per delivery, and a statically linked parent forks much cheaper than a dynamic one; but
   getpwnam(3) goes through NSS, which in a static program needs, at run time, the very glibc it
   was linked with. So the lookups live here, in a small dynamic program that berth-lspawn starts
   once and keeps (qmail has qmail-getpw for the same lookup).
   Protocol (doc/berth-getpw.md): requests on fd 0, each 'n' and a user name, or 'u' and a uid in
   decimal, then NUL; one answer each on fd 1, in order: '+', then uid, gid, name, home directory,
   each followed by NUL; or "-" NUL (no such user); or "?" NUL (a temporary error). Ends at EOF.
   Trust: its caller (berth-lspawn, root or the instance owner); requests are checked anyway. */

#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/skamisc.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/stdopts.h>

#define USAGE "berth-getpw"
#define NAME_MAX_LEN 256

static int answer (stralloc *out, char const *req, size_t len)
{
  struct passwd *pw = 0 ;
  char fmt[UID_FMT] ;
  uid_t u ;
  out->len = 0 ;
  if (len >= 2 && len < NAME_MAX_LEN && req[0] == 'n') { errno = 0 ; pw = getpwnam(req + 1) ; }
  else if (len >= 2 && req[0] == 'u' && uid0_scan(req + 1, &u) == len - 1) { errno = 0 ; pw = getpwuid(u) ; }
  else errno = 0 ;   /* not a request we look up: no such user */
  if (!pw)
  {
    /* glibc: 0, ENOENT, ESRCH, EBADF or EPERM for "no such entry" */
    int temp = errno && errno != ENOENT && errno != ESRCH && errno != EBADF && errno != EPERM ;
    return stralloc_catb(out, temp ? "?" : "-", 2) ;   /* the NUL comes with it */
  }
  return stralloc_catb(out, "+", 1)
      && stralloc_catb(out, fmt, uid_fmt(fmt, pw->pw_uid)) && stralloc_0(out)
      && stralloc_catb(out, fmt, gid_fmt(fmt, pw->pw_gid)) && stralloc_0(out)
      && stralloc_cats(out, pw->pw_name) && stralloc_0(out)
      && stralloc_cats(out, pw->pw_dir) && stralloc_0(out) ;
}

int main (int argc, char const *const *argv)
{
  stralloc req = STRALLOC_ZERO, out = STRALLOC_ZERO ;
  PROG = "berth-getpw" ;
  berth_stdopts(argc, argv, USAGE) ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  for (;;)
  {
    int r ;
    req.len = 0 ;
    r = skagetln(buffer_0, &req, 0) ;
    if (r < 0 && errno == EPIPE) break ;   /* EOF in a request: it is dropped */
    if (r < 0) strerr_diefu1sys(111, "read a request") ;
    if (!r) break ;
    if (!answer(&out, req.s, req.len - 1)) strerr_diefu1sys(111, "allocate") ;
    if (!buffer_putflush(buffer_1, out.s, out.len)) strerr_diefu1sys(111, "write an answer") ;
  }
  return 0 ;
}
