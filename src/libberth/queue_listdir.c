/* ISC license. */

#include <errno.h>
#include <string.h>
#include <skalibs/direntry.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/queue.h>

/* Appends the names in dir (dot files and names too long to be ids skipped), each NUL-terminated.
   Collected first, so that unlinks during a walk over them do not disturb the listing.
   0 ok (a missing dir is empty), -1 error with errno set. */
int queue_listdir (char const *dir, stralloc *names)
{
  DIR *d = opendir(dir) ;
  if (!d) return errno == ENOENT ? 0 : -1 ;
  for (;;)
  {
    direntry *e ;
    errno = 0 ;
    e = readdir(d) ;
    if (!e) break ;
    if (e->d_name[0] == '.' || strlen(e->d_name) >= QUEUE_ID_MAX) continue ;
    if (!stralloc_cats(names, e->d_name) || !stralloc_0(names)) { int x = errno ; dir_close(d) ; errno = x ; return -1 ; }
  }
  if (errno) { int x = errno ; dir_close(d) ; errno = x ; return -1 ; }
  dir_close(d) ;
  return 0 ;
}
