/* ISC license. */
/* berth-listen -m: a worker, the process of one session after another (pool.c hands them out).
   Each session starts as a forked child's would: the environment the worker was born with (the
   earlier session's TCP* variables and rules' variables gone), then this connection's, the
   rules, the TLS proxy's fd in its place; berth-smtpd's code then runs it (smtpd_serve), and
   gives the process back only after a clean end, having released and zeroed all the session
   held (berth-smtpd's reuse.c); the worker then zeroes the stack the session used, so that
   nothing of the message's text is left for a later session. The worker asks its master for
   nothing but the next connection, and exits after -m sessions, on any unclean end, or when
   the master closes its socket.
   Trust: as berth-listen's children; never root (berth-listen refuses to start so, and each
   session checks again). */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <skalibs/ancil.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/iopause.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/smtpd.h>
#include "listen.h"

#define SCRUB 131072   /* bytes of stack zeroed after a session: more than smtpd's struct and
                          the frames below it use */

extern char **environ ;

int listen_session_env (opts const *o, int conn, char *ip, uint16_t *port, unsigned int n)
{
  if (!listen_env(conn, o->localname, ip, port))
  {
    strerr_warnwu1sys("set the connection's environment") ;
    return -1 ;
  }
  if (n) listen_log_start(o, getpid(), ip, *port, n) ;
  if (o->rules)
  {
    int r = listen_rules(o->rules, ip) ;
    if (r < 0) { strerr_warnwu2sys("read ", o->rules) ; return -1 ; }
    if (!r) { if (o->verbose) strerr_warni2x("deny ", ip) ; return 0 ; }
  }
  return 1 ;
}

/* the environment the worker was born with, again (its strings never move: they came with the
   process, and nothing frees them) */
static int env_reset (char **base, size_t n)
{
  if (clearenv() < 0) return 0 ;
  for (size_t i = 0 ; i < n ; i++) if (putenv(base[i]) < 0) return 0 ;
  return 1 ;
}

/* the stack below the caller, where the session's frames were */
static void scrub (void) __attribute__((noinline)) ;
static void scrub (void)
{
  char b[SCRUB] ;
  explicit_bzero(b, sizeof b) ;
}

/* one session on conn (closed in every case); the byte for the master */
static char session (opts const *o, int conn, int proxycopy, smtpd_reuse *r)
{
  char ip[IP46_FMT + 1] ;
  uint16_t port ;
  int e ;
  if (o->proxy && fd_copy(o->proxy, proxycopy) < 0)   /* the last session used or closed it */
  {
    strerr_warnwu1sys("restore the TLS proxy's fd") ;
    fd_close(conn) ;
    return LISTEN_TEMP ;
  }
  e = listen_session_env(o, conn, ip, &port, 0) ;
  if (e <= 0) { fd_close(conn) ; return e ? LISTEN_TEMP : LISTEN_DENIED ; }
  if (fd_move(0, conn) < 0 || fd_copy(1, 0) < 0) { fd_close(conn) ; fd_close(0) ; return LISTEN_TEMP ; }
  PROG = "berth-smtpd" ;
  smtpd_serve(r) ;   /* returns only after a clean end, fds 0 and 1 closed */
  scrub() ;
  PROG = "berth-listen" ;
  return LISTEN_DONE ;
}

/* the next connection from the master, waiting as long as it takes; -1 when it closed the
   socket (retired: the worker exits), or anything but a connection came */
static int next (int ctl)
{
  iopause_fd x = { .fd = ctl, .events = IOPAUSE_READ } ;
  for (;;)
  {
    int fd ;
    if (iopause(&x, 1, 0, 0) < 0) { if (errno == EINTR) continue ; return -1 ; }
    fd = ancil_recv_fd(ctl, LISTEN_CONN) ;
    if (fd >= 0 || !error_isagain(errno)) return fd ;
  }
}

void listen_worker (opts const *o, int conn, int ctl)
{
  smtpd_reuse r ;
  size_t n = 0 ;
  int proxycopy = -1 ;
  char **base ;
  prctl(PR_SET_NAME, "berth-smtpd") ;   /* ps and pgrep see berth-smtpd, as under tcpserver */
  while (environ && environ[n]) n++ ;
  base = malloc((n + 1) * sizeof *base) ;
  if (!base) { strerr_warnwu1sys("keep the environment") ; _exit(111) ; }
  for (size_t i = 0 ; i < n ; i++) base[i] = environ[i] ;
  base[n] = 0 ;
  if (o->proxy)
  {
    proxycopy = fcntl(o->proxy, F_DUPFD_CLOEXEC, 3) ;
    if (proxycopy < 0) { strerr_warnwu1sys("keep the TLS proxy's fd") ; _exit(111) ; }
  }
  for (unsigned int uses = 1 ;; uses++)
  {
    char c = LISTEN_TEMP ;
    if (env_reset(base, n)) c = session(o, conn, proxycopy, &r) ;   /* conn is its */
    else { strerr_warnwu1sys("reset the environment") ; fd_close(conn) ; }
    if (c == LISTEN_TEMP) _exit(111) ;
    if (uses >= o->maxuse) _exit(c == LISTEN_DENIED ? 100 : 0) ;
    if (fd_write(ctl, &c, 1) != 1) _exit(0) ;
    conn = next(ctl) ;
    if (conn < 0) _exit(0) ;   /* retired (EOF), or the master is gone */
  }
}
