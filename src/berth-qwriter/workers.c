/* ISC license. */
/* berth-qwriter's workers: a forked child serves a connection, then, instead of exiting, says
   QW_IDLE on its socket pair and waits QW_IDLE_SECS for the next connection the parent passes it
   (SCM_RIGHTS): a session of one message costs no fork, as berth-lspawn's kept children do for
   deliveries. Nothing outlives a connection in a worker: serve.c starts each from zero (the
   peer's uid asked again, the Received wording read again).
   A connection passed to a worker that has just timed out is closed with it; its berth-smtpd
   then runs berth-queue. Trust: the workers are this program as the same user. */

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/ancil.h>
#include <skalibs/djbunix.h>
#include <skalibs/posixplz.h>
#include <skalibs/selfpipe.h>
#include <skalibs/tai.h>
#include "qwriter.h"

static void worker (int ctl, int c) gccattr_noreturn ;
static void worker (int ctl, int c)
{
  for (unsigned int i = 0 ; ; )
  {
    tain deadline ;
    uid_t uid ;
    gid_t gid ;
    if (getpeereid(c, &uid, &gid) == 0) qw_serve(c, uid) ;
    else fd_close(c) ;
    if (++i >= QW_WORKER_CONNS || fd_write(ctl, &(char){ QW_IDLE }, 1) < 1) break ;
    tain_now_g() ;
    tain_addsec_g(&deadline, QW_IDLE_SECS) ;
    c = qw_recv_fd(ctl, QW_CONN, &deadline) ;
    if (c < 0) break ;
  }
  _exit(0) ;
}

static void drop (qw_worker *k)
{
  if (k->ctl >= 0) fd_close(k->ctl) ;
  k->ctl = -1 ;
  k->idle = 0 ;
}

int qw_give (qw_worker *w, unsigned int max, int c, int listen)
{
  int p[2] ;
  unsigned int i, slot = max ;
  for (i = 0 ; i < max ; i++)
  {
    if (!w[i].pid) { if (slot == max) slot = i ; continue ; }
    if (!w[i].idle) continue ;
    w[i].idle = 0 ;
    if (ancil_send_fd(w[i].ctl, c, QW_CONN)) return 1 ;
    drop(w + i) ;   /* gone meanwhile: the next one */
  }
  if (slot == max) return 0 ;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0) return 0 ;
  w[slot].pid = fork() ;
  if (w[slot].pid < 0) { w[slot].pid = 0 ; fd_close(p[0]) ; fd_close(p[1]) ; return 0 ; }
  if (!w[slot].pid)
  {
    selfpipe_finish() ;
    fd_close(listen) ; fd_close(p[0]) ;
    for (i = 0 ; i < max ; i++) if (w[i].pid && w[i].ctl >= 0) fd_close(w[i].ctl) ;
    worker(p[1], c) ;
  }
  fd_close(p[1]) ;
  if (ndelay_on(p[0]) < 0) { drop(w + slot) ; return 1 ; }   /* it serves this one, then exits */
  w[slot].ctl = p[0] ;
  w[slot].idle = 0 ;
  return 1 ;
}

void qw_heard (qw_worker *w, unsigned int i)
{
  char c ;
  ssize_t r = fd_read(w[i].ctl, &c, 1) ;
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return ;
  if (r == 1 && c == QW_IDLE) w[i].idle = 1 ;
  else drop(w + i) ;
}

void qw_reap (qw_worker *w, unsigned int max)
{
  int wstat ;
  pid_t pid ;
  while ((pid = wait_nohang(&wstat)) > 0)
    for (unsigned int i = 0 ; i < max ; i++)
      if (w[i].pid == pid) { drop(w + i) ; w[i].pid = 0 ; break ; }
}
