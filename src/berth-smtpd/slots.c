/* ISC license. */
/* berth-smtpd's session slots: at most $SMTPDSLOTS sessions at once per service. Slot i is a lock
   on $SMTPDSLOTDIR/i, held until the session ends: its process exits (the kernel releases it on
   any death), or a reused process closes it (reuse.c). A
   session finding every slot taken is refused with 421 at once, instead of waiting unanswered
   in tcpserver's backlog (tcpserver -c defers accept()); tcpserver's own -c stays the hard bound.
   Trust: both variables come from the service's run file; the directory is the instance owner's. */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/smtpd.h>

#define SLOTS_MAX 100000

/* 1: a slot is held, its lock's fd in *slot (or no limit set, or the limit cannot be checked:
   warned, tcpserver -c still bounds; *slot untouched); 0: every slot is taken. */
int smtpd_slot (int *slot)
{
  char const *x = getenv("SMTPDSLOTS") ;
  char const *dir = getenv("SMTPDSLOTDIR") ;
  unsigned int n ;
  size_t dlen ;
  if (!x || !*x) return 1 ;
  if (!dir || !*dir || !uint0_scan(x, &n) || !n || n > SLOTS_MAX)
  {
    strerr_warnw1x("SMTPDSLOTS set without a valid count and SMTPDSLOTDIR: no session limit") ;
    return 1 ;
  }
  dlen = strlen(dir) ;
  {
    char fn[dlen + UINT_FMT + 2] ;
    memcpy(fn, dir, dlen) ;
    fn[dlen] = '/' ;
    for (unsigned int i = 0 ; i < n ; i++)
    {
      int r ;
      int fd ;
      fn[dlen + 1 + uint_fmt(fn + dlen + 1, i)] = 0 ;
      fd = open(fn, O_RDWR | O_CREAT | O_CLOEXEC, 0600) ;
      if (fd < 0)
      {
        strerr_warnwu2sys("open session slot ", fn) ;
        return 1 ;
      }
      r = fd_lock(fd, 1, 1) ;
      if (r > 0) { *slot = fd ; return 1 ; }  /* kept open: the lock lasts as long as the session */
      fd_close(fd) ;
      if (r < 0)
      {
        strerr_warnwu2sys("lock session slot ", fn) ;
        return 1 ;
      }
    }
  }
  return 0 ;
}
