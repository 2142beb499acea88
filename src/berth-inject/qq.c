/* ISC license. */
/* berth-inject: running berth-queue (or $QMAILQUEUE, or berth-milter when control/milters-local
   is not empty) as qmail_open() does: message pipe on its
   fd 0, envelope pipe on its fd 1, error pipe on its fd 6; then reporting its exit with qq_text().
   Trust: $QMAILQUEUE is the caller's choice of program; its error text is sanitised before printing. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/exec.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/qq.h>
#include "inject.h"

#define QQ_ERRFD 6
#define MILTERS_LOCAL "control/milters-local"   /* relative to the home, berth-inject's cwd */
#define FD_HIGH 10
#define QQ_ERRTEXT_MAX 1024

/* In the child: puts each of the three pipe ends on its target fd, whatever their numbers were. */
static void child (int msg, int env, int err)
{
  char const *argv[2] = { 0, 0 } ;
  stralloc prog = STRALLOC_ZERO ;
  char const *x = getenv("QMAILQUEUE") ;
  int hm = fcntl(msg, F_DUPFD, FD_HIGH), he = fcntl(env, F_DUPFD, FD_HIGH), hr = fcntl(err, F_DUPFD, FD_HIGH) ;
  if (hm < 0 || he < 0 || hr < 0) _exit(QQ_EXEC_FAILED) ;
  if (dup2(hm, 0) < 0 || dup2(he, 1) < 0 || dup2(hr, QQ_ERRFD) < 0) _exit(QQ_EXEC_FAILED) ;
  close(hm) ; close(he) ; close(hr) ;
  if (msg > 1 && msg != QQ_ERRFD) close(msg) ;
  if (env > 1 && env != QQ_ERRFD) close(env) ;
  if (err > 1 && err != QQ_ERRFD) close(err) ;
  if (x && *x) argv[0] = x ;
  else
  {
    struct stat st ;
    /* local mail's milters (Postfix's non_smtpd_milters): berth-milter, which runs berth-queue */
    int milters = stat(MILTERS_LOCAL, &st) == 0 && st.st_size > 0 ;
    selfdir_prog(&prog, milters ? "berth-milter" : "berth-queue") ;
    argv[0] = prog.s ;
  }
  sig_restore(SIGPIPE) ;
  exec(argv) ;
  _exit(QQ_EXEC_FAILED) ;
}

pid_t qq_start (int *msgfd, int *envfd, int *errfd)
{
  int m[2], e[2], r[2] ;
  pid_t pid ;
  if (pipe(m) < 0 || pipe(e) < 0 || pipe(r) < 0) strerr_diefu1sys(111, "create pipes") ;
  pid = fork() ;
  if (pid < 0) strerr_diefu1sys(111, "fork") ;
  if (!pid)
  {
    close(m[1]) ; close(e[1]) ; close(r[0]) ;
    child(m[0], e[0], r[1]) ;
  }
  close(m[0]) ; close(e[0]) ; close(r[1]) ;
  coe(m[1]) ; coe(e[1]) ; coe(r[0]) ;
  *msgfd = m[1] ; *envfd = e[1] ; *errfd = r[0] ;
  return pid ;
}

static void die_text (char const *t, size_t len) gccattr_noreturn ;
static void die_text (char const *t, size_t len)
{
  char s[QQ_ERRTEXT_MAX + 1] ;
  size_t n = 0 ;
  for (size_t i = 1 ; i < len && n < QQ_ERRTEXT_MAX ; i++)
  {
    unsigned char c = t[i] ;
    if (c == '\n' && i + 1 == len) break ;
    s[n++] = c < 32 || c == 127 ? '?' : c ;
  }
  s[n] = 0 ;
  strerr_dief1x(len && t[0] == 'D' ? 100 : 111, s) ;
}

/* Sends the envelope, waits, exits 0 or dies with qmail's texts (D: 100, Z: 111). */
void qq_finish (inject *in, pid_t pid, int envfd, int errfd)
{
  stralloc env = STRALLOC_ZERO ;
  char text[QQ_ERRTEXT_MAX] ;
  ssize_t tlen = 0 ;
  int wstat, code ;
  char const *t ;
  int strategy = in->strategy ;
  if (!stralloc_catb(&env, "F", 1) || !stralloc_catb(&env, in->sender.s, strlen(in->sender.s) + 1))
    strerr_diefu1sys(111, "stralloc_catb") ;
  for (int k = 0 ; k < 2 ; k++)
  {
    stralloc const *list = !k ? (strategy != RECIP_HEADER ? &in->rargs : 0)
                              : (strategy != RECIP_ARGS ? (in->resent ? &in->rresent : &in->rhdr) : 0) ;
    if (!list) continue ;
    for (size_t i = 0 ; i < list->len ; i += strlen(list->s + i) + 1)
      if (!stralloc_catb(&env, "T", 1) || !stralloc_catb(&env, list->s + i, strlen(list->s + i) + 1))
        strerr_diefu1sys(111, "stralloc_catb") ;
  }
  if (!stralloc_catb(&env, "", 1)) strerr_diefu1sys(111, "stralloc_catb") ;
  allwrite(envfd, env.s, env.len) ;   /* a short write means qq died: its exit code tells why */
  fd_close(envfd) ;
  stralloc_free(&env) ;
  if (wait_pid(pid, &wstat) < 0) strerr_diefu1sys(111, "wait for qq") ;
  if (ndelay_on(errfd) >= 0) tlen = fd_read(errfd, text, sizeof text) ;
  if (tlen < 0) tlen = 0 ;
  fd_close(errfd) ;
  if (!WIFEXITED(wstat)) strerr_dief1x(111, "qq crashed (#4.3.0)") ;
  code = WEXITSTATUS(wstat) ;
  if (code == QQ_OK) _exit(0) ;
  if (code == QQ_CUSTOM && qq_custom_ok(text, tlen)) die_text(text, tlen) ;
  t = qq_text(code) ;
  die_text(t, strlen(t)) ;
}
