/* ISC license. */
/* The spawner's kept children (berth/kept.h, keptset.c) with real sockets and processes: a job
   goes only to a child kept for its key (berth-lspawn as root: a uid and gid), the most recent
   first; a child told to quit that stays (its user stopped it) is killed killsecs later, and
   only when killsecs is asked for (berth-rspawn's are never killed). */

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <skalibs/djbunix.h>
#include <skalibs/tai.h>
#include <berth/kept.h>
#include "tap.h"

/* a child that waits for a signal, parked under key with the spawner's end of a socket */
static pid_t park (keptset *s, char const *key, int *child)
{
  int sv[2] ;
  pid_t pid ;
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) _exit(111) ;
  pid = fork() ;
  if (pid < 0) _exit(111) ;
  if (!pid) { fd_close(sv[0]) ; for (;;) pause() ; }
  keptset_park(s, pid, sv[0], key, 0) ;
  *child = sv[1] ;
  return pid ;
}

/* the job one word long, given for key: the pid that took it, 0 none */
static pid_t give (keptset *s, char const *key)
{
  char const *w[1] = { "job" } ;
  int p[2], ctl = -1 ;
  pid_t pid ;
  if (pipe(p) < 0) _exit(111) ;
  pid = keptset_give(s, key, p[0], p[1], w, 1, &ctl) ;
  if (pid) fd_close(ctl) ;
  fd_close(p[0]) ; fd_close(p[1]) ;
  return pid ;
}

/* after the past deadlines: whether pid was killed (reaped with SIGKILL within 2 s), and reaped */
static int killed (keptset *s, pid_t pid)
{
  int wstat ;
  tain_addsec(&STAMP, &STAMP, KEPT_QUIT_SECS + 1) ;
  keptset_expire(s, 0) ;
  for (unsigned int i = 0 ; i < 20 ; i++)
  {
    if (waitpid(pid, &wstat, WNOHANG) == pid) { keptset_reaped(s, pid) ; return WIFSIGNALED(wstat) && WTERMSIG(wstat) == SIGKILL ; }
    usleep(100000) ;
  }
  kill(pid, SIGKILL) ; waitpid(pid, &wstat, 0) ; keptset_reaped(s, pid) ;
  return 0 ;
}

int main (void)
{
  static keptset s = KEPTSET_ZERO ;
  int c1, c2, c3 ;
  pid_t a1, b, a2, r ;
  TAP_PLAN(8) ;
  signal(SIGPIPE, SIG_IGN) ;
  tain_now_g() ;
  a1 = park(&s, "1001:1001", &c1) ;
  b = park(&s, "1002:1002", &c2) ;
  a2 = park(&s, "1001:1001", &c3) ;
  TAP_OK(!give(&s, "1001:1002") && !give(&s, "1003:1001") && !give(&s, "1001"), "no child for another uid or gid, or a prefix of a key") ;
  r = give(&s, "1002:1002") ;
  TAP_OK(r == b, "the job of 1002:1002 to its own child") ;
  r = give(&s, "1001:1001") ;
  TAP_OK(r == a2, "the job of 1001:1001 to its most recent child") ;
  r = give(&s, "1001:1001") ;
  TAP_OK(r == a1 && !give(&s, "1001:1001"), "then to the other; then none is left") ;
  {
    pid_t const all[3] = { a1, b, a2 } ;
    for (unsigned int i = 0 ; i < 3 ; i++) { kill(all[i], SIGKILL) ; waitpid(all[i], 0, 0) ; }
  }
  fd_close(c1) ; fd_close(c2) ; fd_close(c3) ;

  /* killsecs 0 (berth-rspawn): a child told to quit that stays is left alone */
  a1 = park(&s, "1001:1001", &c1) ;
  keptset_expire(&s, 1) ;
  TAP_OK(s.n == 1 && s.k[0].ctl < 0, "told to quit: its socket closed, the entry kept until reaped") ;
  TAP_OK(!killed(&s, a1), "without killsecs: not killed") ;
  fd_close(c1) ;

  /* killsecs (berth-lspawn as root): a stopped child, told to quit, is killed */
  s.killsecs = KEPT_QUIT_SECS ;
  tain_now_g() ;
  a1 = park(&s, "1001:1001", &c1) ;
  kill(a1, SIGSTOP) ;
  keptset_expire(&s, 1) ;
  {
    tain d ;
    TAP_OK(keptset_deadline(&s, &d), "a deadline for its kill") ;
  }
  TAP_OK(killed(&s, a1) && !s.n, "past it: killed (SIGKILL), reaped, gone from the set") ;
  fd_close(c1) ;
  return TAP_DONE() ;
}
