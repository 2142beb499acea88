/* ISC license. */
/* berth-qwriter: berth-smtpd's queue entry in a multi-user instance without an exec per
   message. Runs as the queue's owner (the uid berth-queue is set-uid to), listens on a Unix
   socket, and serves each connection in a worker, a forked child kept for the next connections
   (workers.c, serve.c): no exec at all, and no fork for most connections. Only the uid in
   control/uidsmtpd is served: any other peer's connection is closed at once, as is one over the
   connection limit (berth-smtpd then runs berth-queue, as it does when
   this service is down). doc/berth-qwriter.md has the protocol and the privilege argument.
   Trust: the peers are untrusted (serve.c); their uid comes from the kernel (SO_PEERCRED). */

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/posixplz.h>
#include <skalibs/sgetopt.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/socket.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/queue.h>
#include <berth/stdopts.h>
#include "qwriter.h"

#define SYNOPSIS "berth-qwriter [ -d notif ] [ -c max ] socket"
#define USAGE "berth-qwriter [ -d notif ] [ -c max ] socket"
#define dieusage() strerr_dieusage(100, USAGE)

#define MAXCONN_DEFAULT 200
#define MAXCONN_MAX 4000
#define BACKLOG 1024
#define SOCKET_UMASK 0117   /* the socket 0660: its directory's group (berth-setup: smtpd's) may connect */
#define QUEUE_UMASK 027     /* the queue's files 0640, as berth-queue makes them */
#define SMTPD_UID_FILE "control/uidsmtpd"
#define QMQP_SERVERS "control/qmqpservers"

static uid_t smtpd_uid (void)
{
  stralloc sa = STRALLOC_ZERO ;
  uid_t u ;
  int r = control_readline(&sa, SMTPD_UID_FILE, 0) ;
  if (r < 0) strerr_diefu2sys(111, "read ", SMTPD_UID_FILE) ;
  if (!r || !uid0_scan(sa.s, &u) || !u) strerr_dief2x(100, SMTPD_UID_FILE, " holds no uid other than root's") ;
  stralloc_free(&sa) ;
  return u ;
}

static int bind_socket (char const *path)
{
  int s = ipc_stream_nbcoe() ;   /* non-blocking: accept never hangs on a peer gone meanwhile */
  mode_t m ;
  if (s < 0) strerr_diefu1sys(111, "create a socket") ;
  if (unlink(path) < 0 && errno != ENOENT) strerr_diefu2sys(111, "remove ", path) ;
  m = umask(SOCKET_UMASK) ;
  if (ipc_bind(s, path) < 0) strerr_diefu2sys(111, "bind to ", path) ;
  umask(m) ;
  if (ipc_listen(s, BACKLOG) < 0) strerr_diefu2sys(111, "listen on ", path) ;
  return s ;
}

static void notify (unsigned int fd)
{
  if (!fd) return ;
  if (fd_write(fd, "\n", 1) < 1) strerr_warnwu1sys("write the readiness notification") ;
  fd_close(fd) ;
}

/* Whether the connection is served: the smtpd uid's, on an instance with a queue (a null
   client queues through berth-qmqpc: berth-queue does that). */
static int admit (int c, uid_t want)
{
  struct stat st ;
  uid_t uid ;
  gid_t gid ;
  if (getpeereid(c, &uid, &gid) < 0 || uid != want) return 0 ;
  return stat(QMQP_SERVERS, &st) < 0 && errno == ENOENT ;
}

/* One connection: to a worker, or closed at once (berth-smtpd then runs berth-queue). */
static void take (int s, uid_t want, qw_worker *w, unsigned int max)
{
  int c = ipc_accept(s, 0, 0, 0) ;
  if (c < 0)
  {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED || errno == EINTR) return ;
    strerr_diefu1sys(111, "accept") ;
  }
  if (admit(c, want) && !qw_give(w, max, c, s)) strerr_warnw1x("no worker free or made: a connection closed") ;
  fd_close(c) ;   /* a worker has its own copy */
}

int main (int argc, char const *const *argv)
{
  unsigned int max = MAXCONN_DEFAULT, notif = 0 ;
  uid_t want ;
  int s, sp ;
  PROG = "berth-qwriter" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "d:c:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'd' : if (!uint0_scan(l.arg, &notif) || notif < 3) dieusage() ; break ;
        case 'c' : if (!uint0_scan(l.arg, &max) || !max || max > MAXCONN_MAX) dieusage() ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc != 1 || !argv[0][0]) dieusage() ;
  if (!getuid() || !geteuid()) strerr_dief1x(100, "refusing to run as root: run me as the queue's owner (s6-setuidgid)") ;
  if (berth_home_chdir() < 0) strerr_diefu1sys(111, "chdir to the instance") ;
  {
    struct stat st ;
    if (stat(QUEUE_DIR, &st) < 0) strerr_diefu2sys(111, "stat ", QUEUE_DIR) ;
    if (st.st_uid != geteuid()) strerr_dief1x(100, "not running as the queue's owner") ;
  }
  tain_now_set_stopwatch_g() ;
  want = smtpd_uid() ;
  sig_ignore(SIGPIPE) ;
  umask(QUEUE_UMASK) ;
  s = bind_socket(argv[0]) ;
  notify(notif) ;
  sp = selfpipe_init() ;
  if (sp < 0 || !selfpipe_trap(SIGCHLD)) strerr_diefu1sys(111, "trap SIGCHLD") ;
  {
    qw_worker w[max] ;
    iopause_fd x[2 + max] ;
    unsigned int map[max] ;
    for (unsigned int i = 0 ; i < max ; i++) { w[i].pid = 0 ; w[i].ctl = -1 ; w[i].idle = 0 ; }
    for (;;)
    {
      unsigned int n = 2 ;
      x[0].fd = sp ; x[0].events = IOPAUSE_READ ;
      x[1].fd = s ; x[1].events = IOPAUSE_READ ;
      for (unsigned int i = 0 ; i < max ; i++)
        if (w[i].pid && w[i].ctl >= 0) { map[n - 2] = i ; x[n].fd = w[i].ctl ; x[n++].events = IOPAUSE_READ ; }
      if (iopause_g(x, n, 0) < 0) strerr_diefu1sys(111, "iopause") ;
      for (unsigned int j = 2 ; j < n ; j++) if (x[j].revents & IOPAUSE_READ) qw_heard(w, map[j - 2]) ;
      if (x[0].revents & IOPAUSE_READ)
      {
        int r ;
        while ((r = selfpipe_read()) > 0) ;
        if (r < 0) strerr_diefu1sys(111, "read the selfpipe") ;
        qw_reap(w, max) ;
      }
      if (x[1].revents & IOPAUSE_READ) take(s, want, w, max) ;
    }
  }
}
