/* ISC license. */
/* The kept-child protocol, the child's side (berth/kept.h; the spawner's is keptset.c).
   Trust: as berth/kept.h. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/ancil.h>
#include <skalibs/djbunix.h>
#include <skalibs/genalloc.h>
#include <skalibs/iopause.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/uint32.h>
#include <berth/kept.h>

/* ancil_recv_fd does not wait for the fd (EAGAIN when it is not there yet): wait first. The fd
   lands on to, without close-on-exec (a program run by the job inherits its stdin and stdout). */
static int receive_fd (int ctl, char what, int to, tain const *deadline)
{
  iopause_fd x = { .fd = ctl, .events = IOPAUSE_READ } ;
  int fd ;
  if (iopause_g(&x, 1, deadline) <= 0) return 0 ;
  fd = ancil_recv_fd(ctl, what) ;
  if (fd < 0) return 0 ;
  if (fd != to && fd_move(to, fd) < 0) { fd_close(fd) ; return 0 ; }
  return uncoe(to) >= 0 ;
}

int kept_next (int ctl, stralloc *store, genalloc *args, unsigned int *n)
{
  char len4[4] ;
  uint32_t len ;
  tain deadline ;
  if (fd_write(ctl, (char[]){ KEPT_IDLE }, 1) != 1) return 0 ;
  tain_now_g() ;
  tain_addsec_g(&deadline, KEPT_WAIT_MAX) ;
  if (!receive_fd(ctl, KEPT_FD_MESS, 0, &deadline)) return 0 ;   /* EOF: the spawner is done with us */
  tain_now_g() ;
  tain_addsec_g(&deadline, KEPT_REST_MAX) ;   /* the rest follows at once */
  if (!receive_fd(ctl, KEPT_FD_REPORT, 1, &deadline)) return 0 ;
  if (allread(ctl, len4, 4) != 4) return 0 ;
  uint32_unpack_big(len4, &len) ;
  if (!len || len > KEPT_JOB_MAX) { strerr_warnw1x("bad job length on the control socket") ; return 0 ; }
  store->len = 0 ;
  if (!stralloc_ready(store, len) || allread(ctl, store->s, len) != len) return 0 ;
  store->len = len ;
  if (store->s[len-1]) { strerr_warnw1x("unterminated job on the control socket") ; return 0 ; }
  genalloc_setlen(char const *, args, 0) ;
  for (size_t i = 0 ; i < len ; i += strlen(store->s + i) + 1)
  {
    char const *w = store->s + i ;
    if (!genalloc_append(char const *, args, &w)) return 0 ;
  }
  *n = genalloc_len(char const *, args) ;
  return 1 ;
}
