/* ISC license. */
/* berth-check: readiness probes for s6-notifyoncheck. "smtp IP PORT" succeeds when a server there
   greets with 220; "send" succeeds when berth-send holds the trigger fifo open (it takes work).
   -q: a probe that finds the service not ready yet says nothing (s6-notifyoncheck polls it, and its
   tries are not failures for the service's log); its exit code tells.
   Trust: talks only to the address it is given; reads at most one greeting line. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/ip46.h>
#include <skalibs/socket.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <skalibs/unix-timed.h>
#include <berth/home.h>
#include <berth/queue.h>
#include <berth/stdopts.h>

#define USAGE "berth-check [ -q ] smtp ip port | berth-check [ -q ] tcp ip port | berth-check [ -q ] send"
#define SYNOPSIS "berth-check [ -q ] smtp IP PORT\nberth-check [ -q ] tcp IP PORT\nberth-check [ -q ] send"
#define CHECK_TIMEOUT_SECONDS 5
#define SMTP_READY "220"
#define SMTP_QUIT "QUIT\r\n"

/* a connected non-blocking socket; dies 1 when nothing accepts within the deadline */
static int connect_to (char const *ipstr, char const *portstr, tain *deadline)
{
  ip46 ip ;
  uint16_t port ;
  int fd ;
  if (!ip46_scan(ipstr, &ip) || !uint160_scan(portstr, &port)) strerr_dieusage(100, USAGE) ;
  tain_now_set_stopwatch_g() ;
  tain_addsec_g(deadline, CHECK_TIMEOUT_SECONDS) ;
  fd = socket_tcp46_nb(ip46_is6(&ip)) ;
  if (fd < 0) strerr_diefu1sys(111, "create socket") ;
  if (!socket_deadlineconnstamp46_g(fd, &ip, port, deadline)) strerr_diefu4sys(1, "connect to ", ipstr, " port ", portstr) ;
  return fd ;
}

/* a listener accepts connections (implicit TLS: the greeting is inside TLS) */
static int check_tcp (char const *ipstr, char const *portstr)
{
  tain deadline ;
  fd_close(connect_to(ipstr, portstr, &deadline)) ;
  return 0 ;
}

static int check_smtp (char const *ipstr, char const *portstr)
{
  tain deadline ;
  char buf[512] ;
  buffer b ;
  stralloc line = STRALLOC_ZERO ;
  int fd = connect_to(ipstr, portstr, &deadline) ;
  buffer_init(&b, &buffer_read, fd, buf, sizeof buf) ;
  if (timed_getln_g(&b, &line, '\n', &deadline) <= 0) strerr_diefu1sys(1, "read a greeting") ;
  if (line.len < 3 || memcmp(line.s, SMTP_READY, 3) != 0) strerr_dief1x(1, "the server is not ready: no 220 greeting") ;
  fd_write(fd, SMTP_QUIT, sizeof(SMTP_QUIT) - 1) ;
  fd_close(fd) ;
  return 0 ;
}

static int check_send (void)
{
  int fd ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  fd = open(QUEUE_TRIGGER, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno == ENXIO) strerr_dief1x(1, "berth-send is not listening on " QUEUE_TRIGGER) ;
    strerr_diefu2sys(111, "open ", QUEUE_TRIGGER) ;
  }
  fd_close(fd) ;
  return 0 ;
}

int main (int argc, char const *const *argv)
{
  PROG = "berth-check" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  if (argc > 1 && !strcmp(argv[1], "-q"))
  {  /* quiet: nothing on stderr, only the exit code */
    int fd = open("/dev/null", O_WRONLY | O_CLOEXEC) ;
    if (fd < 0 || fd_move(2, fd) < 0) strerr_diefu1sys(111, "open /dev/null") ;
    argc-- ; argv++ ;
  }
  if (argc == 4 && !strcmp(argv[1], "smtp")) return check_smtp(argv[2], argv[3]) ;
  if (argc == 4 && !strcmp(argv[1], "tcp")) return check_tcp(argv[2], argv[3]) ;
  if (argc == 2 && !strcmp(argv[1], "send")) return check_send() ;
  strerr_dieusage(100, USAGE) ;
}
