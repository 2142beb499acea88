/* ISC license. */
/* Runs the queue (qmail_open's way): message on its fd 0, envelope on its fd 1. The envelope is
   written only after the whole message: if we die half-way, the queue sees the envelope end early
   and commits nothing. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/qq.h>
#include <berth/sibling.h>
#include "bounce.h"

#define QUEUE_PROG "berth-queue"
#define WRITE_BUFSIZE 65536

static int queue_path (stralloc *sa)
{
  char const *x = getenv("QMAILQUEUE") ;
  if (x && *x) return stralloc_copys(sa, x) && stralloc_0(sa) ;
  return berth_sibling(sa, QUEUE_PROG) ;
}

static int envelope (stralloc *sa, bounce const *x)
{
  return stralloc_catb(sa, "F", 1) && stralloc_cats(sa, x->envsender) && stralloc_catb(sa, "\0T", 2)
   && stralloc_cats(sa, x->rcpt) && stralloc_catb(sa, "\0", 2) ;
}

int inject (bounce const *x, char const *qid, int qsbmf, uint64_t *bytes)
{
  stralloc path = STRALLOC_ZERO, env = STRALLOC_ZERO ;
  char wbuf[WRITE_BUFSIZE] ;
  wout w = { .bytes = 0 } ;
  int pm[2], pe[2], wstat, ok ;
  pid_t pid ;
  if (!queue_path(&path) || !envelope(&env, x)) strerr_diefu1sys(111, "make the queue's path and envelope") ;
  if (pipe2(pm, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) strerr_diefu1sys(111, "pipe") ;
  pid = fork() ;
  if (pid < 0) strerr_diefu1sys(111, "fork") ;
  if (!pid)
  {
    char const *argv[2] = { path.s, 0 } ;
    if (dup2(pm[0], 0) < 0 || dup2(pe[0], 1) < 0) _exit(QQ_BUG) ;
    if (setenv("BERTH_QUEUEID", qid, 1) < 0) _exit(QQ_NOMEM) ;
    execv(path.s, (char *const *)argv) ;
    _exit(QQ_EXEC_FAILED) ;
  }
  fd_close(pm[0]) ; fd_close(pe[0]) ;
  buffer_init(&w.b, &buffer_write, pm[1], wbuf, sizeof wbuf) ;
  ok = (qsbmf ? compose_qsbmf(&w, x) : compose_mime(&w, x)) && buffer_flush(&w.b) ;
  if (!ok) strerr_warnwu1sys("write the notification") ;
  fd_close(pm[1]) ;
  if (ok && allwrite(pe[1], env.s, env.len) < env.len) ok = 0 ;
  fd_close(pe[1]) ;
  stralloc_free(&path) ; stralloc_free(&env) ;
  if (waitpid_nointr(pid, &wstat, 0) < 0) strerr_diefu1sys(111, "wait for the queue") ;
  *bytes = w.bytes ;
  if (!WIFEXITED(wstat)) return QQ_BUG ;
  if (!ok && !WEXITSTATUS(wstat)) return QQ_BUG ;   /* cannot happen: the envelope was never sent */
  return WEXITSTATUS(wstat) ;
}
