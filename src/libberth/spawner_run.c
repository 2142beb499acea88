/* ISC license. */
/* The spawner skeleton's slot table (berth/spawner.h): a job given to a child, its report read,
   its result queued for fd 1. Trust: a report is the child's; at most reportmax bytes are kept. */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <berth/kept.h>
#include <berth/spawner.h>

int spawner_busy (spawner const *sp, unsigned char slot)
{
  return sp->jobs[slot].state != SPAWNER_FREE ;
}

void spawner_run (spawner *sp, unsigned char slot, pid_t pid, int fd, int ctl, char const *key)
{
  spawner_job *j = sp->jobs + slot ;
  size_t len = key ? strlen(key) : 0 ;
  ndelay_on(fd) ;
  j->state = SPAWNER_RUN ;
  j->pid = pid ; j->fd = fd ; j->ctl = ctl ; j->wstat = 0 ;
  j->keep = key && len <= KEPT_KEY_MAX ;
  if (j->keep) memcpy(j->key, key, len + 1) ; else j->key[0] = 0 ;
  j->report.len = 0 ;
  if (sp->timeout) tain_addsec_g(&j->deadline, sp->timeout) ;
  sp->running++ ;
}

void spawner_result (spawner *sp, unsigned char slot, char const *records, size_t len)
{
  char c = (char)slot ;
  if (!bufalloc_put(&sp->out, &c, 1) || !bufalloc_put(&sp->out, records, len))
    strerr_diefu1sys(111, "queue a result") ;
}

int spawner_report_read (spawner *sp, unsigned char slot)
{
  spawner_job *j = sp->jobs + slot ;
  size_t max = sp->h->reportmax ;
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(&j->report, SPAWNER_READ_CHUNK)) strerr_diefu1sys(111, "read a report") ;
    r = fd_read(j->fd, j->report.s + j->report.len, SPAWNER_READ_CHUNK) ;
    if (r > 0)
    {
      j->report.len += r ;
      if (max && j->report.len > max) j->report.len = max ;   /* the rest is read and dropped */
      continue ;
    }
    if (r < 0 && error_isagain(errno)) return 1 ;
    fd_close(j->fd) ;
    j->fd = -1 ;
    return 0 ;
  }
}

int spawner_ctlpair (int *ctl, int *child)
{
  int sv[2] ;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return 0 ;
  if (ndelay_on(sv[0]) < 0) { fd_close(sv[0]) ; fd_close(sv[1]) ; return 0 ; }
  *ctl = sv[0] ; *child = sv[1] ;
  return 1 ;
}
