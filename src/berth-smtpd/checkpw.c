/* ISC license. */
/* Runs the checkpassword(8) program as qmail-popup does: `prog /bin/true` with
   user\0password\0timestamp\0 on fd 3 (a pipe), stdin/stdout on /dev/null, our stderr.
   Exit 0: good; 111 (temporary), 2 (misuse), a signal or a timeout: temporary; else bad.
   Trust: the program is the admin's; the user and password are the peer's, passed verbatim. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/smtpd.h>

#define CHECKPW_NEXT "/bin/true"
#define CHECKPW_TEMP 111
#define CHECKPW_MISUSE 2
#define HIGHFD 10
#define POLL_MS 10

static void child (smtpd const *s, int rfd)
{
  char const *argv[3] = { s->checkpw.s, CHECKPW_NEXT, 0 } ;
  int nul = open("/dev/null", O_RDWR) ;
  int fd = fcntl(rfd, F_DUPFD, HIGHFD) ;
  if (nul < 0 || fd < 0) _exit(CHECKPW_TEMP) ;
  if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(fd, SMTPD_CHECKPW_FD) < 0) _exit(CHECKPW_TEMP) ;
  sig_restore(SIGPIPE) ;
  if (strchr(argv[0], '/')) execv(argv[0], (char *const *)argv) ;
  else execvp(argv[0], (char *const *)argv) ;
  _exit(CHECKPW_TEMP) ;
}

/* Waits at most SMTPD_CHECKPW_TIMEOUT seconds, then kills. Returns the wait status or -1. */
static int waitbounded (pid_t pid)
{
  tain deadline ;
  int wstat ;
  tain_now_g() ;
  tain_addsec_g(&deadline, SMTPD_CHECKPW_TIMEOUT) ;
  for (;;)
  {
    tain step ;
    pid_t r = wait_pid_nohang(pid, &wstat) ;
    if (r == pid) return wstat ;
    if (r < 0 && errno != EINTR) return -1 ;
    tain_now_g() ;
    if (!tain_less(&STAMP, &deadline)) break ;
    tain_from_millisecs(&step, POLL_MS) ;
    tain_add_g(&step, &step) ;
    deepsleepuntil_g(&step) ;
  }
  kill(pid, SIGKILL) ;
  wait_pid(pid, &wstat) ;
  return -1 ;
}

int smtpd_checkpw (smtpd const *s, char const *user, size_t ulen, char const *pass, size_t plen)
{
  char stamp[UINT64_FMT + UINT_FMT + 4] ;
  size_t n = 0 ;
  int p[2] ;
  int wstat ;
  pid_t pid ;
  if (!s->checkpw.len) return -1 ;
  stamp[n++] = '<' ;
  n += uint_fmt(stamp + n, (unsigned int)getpid()) ;
  stamp[n++] = '.' ;
  n += uint64_fmt(stamp + n, berth_clock_ms() / 1000) ;
  stamp[n++] = '@' ;
  if (pipe2(p, O_CLOEXEC) < 0) return -1 ;
  pid = fork() ;
  if (pid < 0) { fd_close(p[0]) ; fd_close(p[1]) ; return -1 ; }
  if (!pid) child(s, p[0]) ;
  fd_close(p[0]) ;
  /* a few hundred bytes at most: fits in the pipe, no deadlock with a program that waits */
  if (allwrite(p[1], user, ulen) == ulen && allwrite(p[1], "", 1) == 1
   && allwrite(p[1], pass, plen) == plen && allwrite(p[1], "", 1) == 1
   && allwrite(p[1], stamp, n) == n && allwrite(p[1], s->me.s, s->me.len) == s->me.len)
    allwrite(p[1], ">", 2) ;   /* the timestamp's closing '>' and its NUL */
  fd_close(p[1]) ;
  wstat = waitbounded(pid) ;
  if (wstat == -1 || !WIFEXITED(wstat)) return -1 ;
  switch (WEXITSTATUS(wstat))
  {
    case 0 : return 1 ;
    case CHECKPW_TEMP :
    case CHECKPW_MISUSE : return -1 ;
    default : return 0 ;
  }
}
