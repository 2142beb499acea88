/* ISC license. */

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <skalibs/posixplz.h>
#include <skalibs/types.h>
#include <berth/qqrun.h>
#include <berth/sibling.h>
#include <berth/spawn.h>

#define QUEUE_PROG "berth-queue"
#define HIGHFD 10

char const *qqrun_prog (stralloc *sa)
{
  char const *x = getenv("QMAILQUEUE") ;
  if (x && *x) return x ;
  return berth_sibling(sa, QUEUE_PROG) ? sa->s : QUEUE_PROG ;
}

/* The child's ends moved to fds >= HIGHFD, so that the copies onto 0, 1, 6, 7 clobber none. */
static int high (int *fd)
{
  int h = fcntl(*fd, F_DUPFD_CLOEXEC, HIGHFD) ;
  if (h < 0) return 0 ;
  close(*fd) ;
  *fd = h ;
  return 1 ;
}

int qqrun_start (qqrun *q, char const *prog)
{
  int p[4][2] ;   /* message, envelope, error text, queue id */
  unsigned int n = 0, i ;
  char fmt[UINT_FMT] ;
  char const *argv[2] = { prog, 0 } ;
  fmt[uint_fmt(fmt, QQRUN_IDFD)] = 0 ;
  if (setenv("BERTH_IDFD", fmt, 1) < 0) return 0 ;
  for (; n < 4 ; n++) if (pipe2(p[n], O_CLOEXEC) < 0) goto err ;
  if (!high(&p[0][0]) || !high(&p[1][0]) || !high(&p[2][1]) || !high(&p[3][1])) goto err ;
  {
    berth_spawn_fa const fa[4] =
    {
      { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { 0, p[0][0] } },
      { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { 1, p[1][0] } },
      { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { QQRUN_ERRFD, p[2][1] } },
      { .type = BERTH_SPAWN_FA_COPY, .x.fd2 = { QQRUN_IDFD, p[3][1] } }
    } ;
    q->pid = berth_spawn(prog, argv, (char const *const *)environ, BERTH_SPAWN_SIGDEFAULT, fa, 4) ;
  }
  if (!q->pid) goto err ;
  close(p[0][0]) ; close(p[1][0]) ; close(p[2][1]) ; close(p[3][1]) ;
  q->msgfd = p[0][1] ; q->envfd = p[1][1] ; q->errfd = p[2][0] ; q->idfd = p[3][0] ;
  return 1 ;
 err:
  for (i = 0 ; i < n ; i++) { close(p[i][0]) ; close(p[i][1]) ; }
  return 0 ;
}
