/* ISC license. */
/* berth-listen -m: the master's side of its workers (worker.c). A connection goes to an idle
   worker if there is one, else to a new worker forked for it, so that a burst costs no more
   forks than sessions at once and a steady load none; the -c limit counts sessions, busy
   workers, as it counts children without -m. Idle workers are retired after -i seconds by
   closing their socket. The table has room for twice the limit: at most the limit of workers
   live (a worker is forked only when none is idle, so all live ones are busy then), the rest
   for retired ones not yet reaped.
   Trust: the workers run the sessions of untrusted peers and could be taken over by one: the
   master reads from a worker's socket only one byte at a time and believes only that its
   session is over; a worker that sends anything else, or too early, loses its socket. */

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/ancil.h>
#include <skalibs/error.h>
#include <skalibs/djbunix.h>
#include <skalibs/selfpipe.h>
#include <skalibs/socket.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "listen.h"

int pool_init (pool *p, opts const *o)
{
  p->max = 2 * o->limit ;
  p->w = calloc(p->max, sizeof *p->w) ;
  if (!p->w) return 0 ;
  for (unsigned int i = 0 ; i < p->max ; i++) p->w[i].fd = -1 ;
  return 1 ;
}

void listen_log_start (opts const *o, pid_t pid, char const *ip, uint16_t port, unsigned int n)
{
  char p[PID_FMT], q[UINT16_FMT], a[UINT_FMT], b[UINT_FMT] ;
  if (!o->verbose) return ;
  p[pid_fmt(p, pid)] = 0 ;
  q[uint16_fmt(q, port)] = 0 ;
  a[uint_fmt(a, n)] = 0 ;
  b[uint_fmt(b, o->limit)] = 0 ;
  strerr_warni10x("pid ", p, " from ", ip, " port ", q, " sessions ", a, "/", b) ;
}

void listen_log_end (opts const *o, pid_t pid, unsigned int status, unsigned int n)
{
  char p[PID_FMT], st[UINT_FMT], a[UINT_FMT], b[UINT_FMT] ;
  if (!o->verbose) return ;
  p[pid_fmt(p, pid)] = 0 ;
  st[uint_fmt(st, status)] = 0 ;
  a[uint_fmt(a, n)] = 0 ;
  b[uint_fmt(b, o->limit)] = 0 ;
  strerr_warni8x("end ", p, " status ", st, " sessions ", a, "/", b) ;
}

static void shut (worker *w)
{
  if (w->fd >= 0) fd_close(w->fd) ;
  w->fd = -1 ;
}

/* a new worker for conn, its entry's index; -1 when none could be made */
static int spawn (pool *p, opts const *o, int lfd, int conn)
{
  int sv[2] ;
  pid_t pid ;
  unsigned int i = 0 ;
  while (i < p->max && p->w[i].pid) i++ ;
  if (i == p->max) { errno = EAGAIN ; return -1 ; }
  if (socketpair_internal(AF_UNIX, SOCK_STREAM, 0, O_CLOEXEC, sv) < 0) return -1 ;
  pid = fork() ;
  if (pid < 0) { fd_close(sv[0]) ; fd_close(sv[1]) ; return -1 ; }
  if (!pid)
  {
    selfpipe_finish() ;   /* signals as a freshly exec'ed program has them */
    fd_close(lfd) ;
    fd_close(sv[0]) ;
    for (unsigned int j = 0 ; j < p->max ; j++) if (p->w[j].fd >= 0) fd_close(p->w[j].fd) ;   /* the other workers' */
    listen_worker(o, conn, sv[1]) ;
  }
  fd_close(sv[1]) ;
  if (ndelay_on(sv[0]) < 0) strerr_warnwu1sys("set a worker's socket nonblocking") ;
  p->w[i].pid = pid ;
  p->w[i].fd = sv[0] ;
  return (int)i ;
}

/* conn to an idle worker, its index; -1 when none took it */
static int idle (pool *p, int conn)
{
  for (unsigned int i = 0 ; i < p->max ; i++)
  {
    worker *w = p->w + i ;
    if (!w->pid || w->busy || w->fd < 0) continue ;
    if (ancil_send_fd(w->fd, conn, LISTEN_CONN)) return (int)i ;
    shut(w) ;   /* gone: reaped later */
  }
  return -1 ;
}

int pool_give (pool *p, opts const *o, int lfd, int conn, char const *ip, uint16_t port, unsigned int *n)
{
  int i = idle(p, conn) ;
  if (i < 0) i = spawn(p, o, lfd, conn) ;
  fd_close(conn) ;   /* the worker has its own copy; none: this connection is dropped, the client retries */
  if (i < 0) { strerr_warnwu1sys("fork for a session") ; return 0 ; }
  p->w[i].busy = 1 ;
  (*n)++ ;
  if (o->verbose)
  {
    char s[IP46_FMT + 1] ;
    ip46 a ;
    ip46_from_ip(&a, ip, o->is6) ;
    listen_ip_fmt(s, &a) ;
    listen_log_start(o, p->w[i].pid, s, port, *n) ;
  }
  return 1 ;
}

unsigned int pool_fds (pool const *p, iopause_fd *x)
{
  unsigned int n = 0 ;
  for (unsigned int i = 0 ; i < p->max ; i++)
    if (p->w[i].pid && p->w[i].fd >= 0) { x[n].fd = p->w[i].fd ; x[n++].events = IOPAUSE_READ ; }
  return n ;
}

static worker *byfd (pool *p, int fd)
{
  for (unsigned int i = 0 ; i < p->max ; i++) if (p->w[i].pid && p->w[i].fd == fd) return p->w + i ;
  return 0 ;
}

void pool_answers (pool *p, opts const *o, iopause_fd const *x, unsigned int nx, unsigned int *n)
{
  for (unsigned int i = 0 ; i < nx ; i++)
  {
    worker *w ;
    char c ;
    ssize_t r ;
    if (!(x[i].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))) continue ;
    w = byfd(p, x[i].fd) ;
    if (!w) continue ;
    r = fd_read(w->fd, &c, 1) ;
    if (r < 0 && error_isagain(errno)) continue ;
    if (r != 1 || !w->busy || (c != LISTEN_DONE && c != LISTEN_DENIED))
    {   /* EOF (it exits), an error, or a byte out of turn: no more sessions for it */
      shut(w) ;
      continue ;
    }
    w->busy = 0 ;
    if (*n) (*n)-- ;
    tain_addsec_g(&w->until, o->idle) ;
    listen_log_end(o, w->pid, c == LISTEN_DENIED ? 100 : 0, *n) ;
  }
}

int pool_reaped (pool *p, opts const *o, pid_t pid, int wstat, unsigned int *n)
{
  for (unsigned int i = 0 ; i < p->max ; i++)
  {
    worker *w = p->w + i ;
    if (w->pid != pid) continue ;
    shut(w) ;
    if (w->busy)
    {   /* its last session ended with the process */
      if (*n) (*n)-- ;
      listen_log_end(o, pid, WIFEXITED(wstat) ? (unsigned int)WEXITSTATUS(wstat) : 128 + (unsigned int)WTERMSIG(wstat), *n) ;
    }
    w->pid = 0 ;
    w->busy = 0 ;
    return 1 ;
  }
  return 0 ;
}

void pool_retire (pool *p, tain *deadline)
{
  for (unsigned int i = 0 ; i < p->max ; i++)
  {
    worker *w = p->w + i ;
    if (!w->pid || w->busy || w->fd < 0) continue ;
    if (!tain_less(&STAMP, &w->until)) shut(w) ;   /* it reads EOF and exits */
    else if (tain_less(&w->until, deadline)) *deadline = w->until ;
  }
}
