/* ISC license. */
/* berth-lspawn's passwd lookups, asked of berth-getpw (a dynamic co-process started once and
   kept; restarted after it dies) so that berth-lspawn itself, which forks one child per
   delivery, can be linked statically without NSS. doc/berth-getpw.md has the protocol.
   Trust: berth-getpw is ours, next to berth-lspawn; its answers are checked anyway. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/posixplz.h>
#include <skalibs/types.h>
#include "lspawn.h"

static void drop (getpw *g)
{
  if (g->pid <= 0) return ;
  fd_close(g->rfd) ; fd_close(g->wfd) ;
  kill(g->pid, SIGTERM) ;   /* reaped by berth-lspawn's SIGCHLD handling (unknown pids are ignored) */
  g->pid = 0 ;
}

static int start (getpw *g)
{
  char const *argv[2] = { g->prog, 0 } ;
  int fds[2] = { 0, 1 } ;
  pid_t pid = child_spawn2(g->prog, argv, (char const *const *)environ, fds) ;
  if (!pid) return 0 ;
  if (ndelay_off(fds[0]) < 0 || ndelay_off(fds[1]) < 0) { fd_close(fds[0]) ; fd_close(fds[1]) ; kill(pid, SIGTERM) ; return 0 ; }
  g->pid = pid ; g->rfd = fds[0] ; g->wfd = fds[1] ;
  return 1 ;
}

/* reads one answer into g->in: 1, or 0 (the helper is gone or broke the protocol) */
static int read_answer (getpw *g)
{
  unsigned int need = 0 ;
  g->in.len = 0 ;
  for (;;)
  {
    char buf[512] ;
    ssize_t r ;
    if (g->in.len)
    {
      size_t nuls = 0 ;
      for (size_t i = 0 ; i < g->in.len ; i++) nuls += !g->in.s[i] ;
      need = g->in.s[0] == '+' ? 4 : 1 ;
      if (nuls >= need) return nuls == need && !g->in.s[g->in.len - 1] ;
    }
    r = fd_read(g->rfd, buf, sizeof buf) ;
    if (r <= 0) return 0 ;
    if (!stralloc_catb(&g->in, buf, r)) return 0 ;
  }
}

int getpw_ask (getpw *g, char kind, char const *key, pwent *p, stralloc *sa)
{
  size_t klen = strlen(key) ;
  char req[klen + 2] ;
  req[0] = kind ; memcpy(req + 1, key, klen + 1) ;
  for (unsigned int tries = 0 ; tries < 2 ; tries++)
  {
    if (g->pid <= 0 && !start(g)) return -1 ;
    if (allwrite(g->wfd, req, klen + 2) == klen + 2 && read_answer(g))
    {
      char const *s = g->in.s ;
      size_t len ;
      uid_t u ; gid_t gg ;
      if (s[0] == '-') return 0 ;
      if (s[0] != '+') return -1 ;
      s++ ;
      len = uid0_scan(s, &u) ; if (!len || s[len]) return -1 ;
      s += len + 1 ;
      len = gid0_scan(s, &gg) ; if (!len || s[len]) return -1 ;
      s += len + 1 ;
      p->uid = u ; p->gid = gg ;
      p->name = sa->len ;
      if (!stralloc_cats(sa, s) || !stralloc_0(sa)) return -1 ;
      s += strlen(s) + 1 ;
      p->dir = sa->len ;
      if (!stralloc_cats(sa, s) || !stralloc_0(sa)) return -1 ;
      return 1 ;
    }
    drop(g) ;   /* gone, or out of step: a fresh one for the retry */
  }
  return -1 ;
}

void getpw_end (getpw *g)
{
  drop(g) ;
}
