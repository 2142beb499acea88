/* ISC license. */

#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/qq.h>
#include <berth/qqrun.h>

static void closeall (qqrun *q)
{
  if (q->msgfd >= 0) close(q->msgfd) ;
  if (q->envfd >= 0) close(q->envfd) ;
  if (q->errfd >= 0) close(q->errfd) ;
  if (q->idfd >= 0) close(q->idfd) ;
  q->msgfd = q->envfd = q->errfd = q->idfd = -1 ;
}

static int waitqq (qqrun *q)
{
  int wstat ;
  pid_t pid = q->pid ;
  q->pid = 0 ;
  if (wait_pid(pid, &wstat) != pid) return QQ_BUG ;
  return WIFEXITED(wstat) ? WEXITSTATUS(wstat) : QQ_BUG ;
}

void qqrun_abort (qqrun *q)
{
  closeall(q) ;
  if (q->pid > 0) waitqq(q) ;
}

/* At most max-1 bytes up to the first line end, each outside printable ASCII made '?'. */
static size_t readtext (int fd, char *s, size_t max)
{
  size_t n = 0, i ;
  while (n < max - 1)
  {
    ssize_t r = fd_read(fd, s + n, max - 1 - n) ;
    if (r <= 0) break ;
    n += r ;
  }
  for (i = 0 ; i < n ; i++) if (s[i] == '\n' || s[i] == '\r' || !s[i]) break ;
  n = i ;
  for (i = 0 ; i < n ; i++) if ((unsigned char)s[i] < 32 || (unsigned char)s[i] > 126) s[i] = '?' ;
  s[n] = 0 ;
  return n ;
}

/* qq_text's report for code in text (QQRUN_TEXT_MAX bytes) */
static void textof (char *text, int code)
{
  char const *t = qq_text(code) ;
  size_t len = strlen(t) ;
  if (len > QQRUN_TEXT_MAX - 1) len = QQRUN_TEXT_MAX - 1 ;
  memcpy(text, t, len) ; text[len] = 0 ;
}

int qqrun_finish (qqrun *q, char const *from, char const *rcpts, size_t rcptslen, char *text, char *id, size_t idmax)
{
  stralloc env = STRALLOC_ZERO ;
  int code ;
  if (!qq_envelope(&env, from, rcpts, rcptslen))
  {
    qqrun_abort(q) ;
    textof(text, QQ_NOMEM) ;
    id[0] = 0 ;
    return QQ_NOMEM ;
  }
  code = qqrun_finish_env(q, env.s, env.len, text, id, idmax) ;
  stralloc_free(&env) ;
  return code ;
}

int qqrun_finish_env (qqrun *q, char const *env, size_t envlen, char *text, char *id, size_t idmax)
{
  int code ;
  close(q->msgfd) ; q->msgfd = -1 ;
  allwrite(q->envfd, env, envlen) ;
  close(q->envfd) ; q->envfd = -1 ;
  code = waitqq(q) ;
  readtext(q->idfd, id, idmax) ;
  text[0] = 0 ;
  if (code != QQ_OK)
  {
    size_t len = readtext(q->errfd, text, QQRUN_TEXT_MAX) ;
    if (code != QQ_CUSTOM || !qq_custom_ok(text, len)) textof(text, code) ;
  }
  closeall(q) ;
  return code ;
}
