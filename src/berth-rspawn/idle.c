/* ISC license. */
/* berth-rspawn: the kept connections. A berth-remote child (its code, forked) whose transaction
   ended with the session still open says so on its control socket; berth-rspawn keeps it for
   IDLE_SECS and gives it the next job for the same host instead of forking a new child, which
   connects, greets, says EHLO (and STARTTLS, AUTH) again: Postfix's connection cache, without a
   cache process (doc/berth-rspawn.md, "Connection reuse"). Trust: the children are berth-rspawn's
   own code as the same user; a child that misbehaves is told to quit. */

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/ancil.h>
#include <skalibs/djbunix.h>
#include <skalibs/tai.h>
#include <skalibs/uint32.h>
#include "rspawn.h"

/* the child quits when its control socket closes (QUIT to the server, then exit) */
static void quit (idle *x)
{
  if (x->ctl >= 0) fd_close(x->ctl) ;
  x->ctl = -1 ;
}

void idle_quit (state *st, unsigned int i)
{
  quit(st->idles + i) ;
}

void idle_gone (state *st, unsigned int i)
{
  quit(st->idles + i) ;
  st->idles[i] = st->idles[--st->nidle] ;
}

void idle_park (state *st, job *j)
{
  idle *x ;
  if (j->reaped || !j->host[0] || st->nidle >= IDLE_MAX)
  {
    fd_close(j->ctl) ;
    j->ctl = -1 ;
    return ;
  }
  x = st->idles + st->nidle++ ;
  x->pid = j->pid ;
  x->ctl = j->ctl ;
  memcpy(x->host, j->host, sizeof x->host) ;
  tain_addsec_g(&x->deadline, IDLE_SECS) ;
  j->ctl = -1 ;
  if (!st->inopen) quit(x) ;   /* no more jobs: it quits now, and is waited for */
}

static int send_job (int ctl, int messfd, int repfd, char const *words, size_t len)
{
  char len4[4] ;
  uint32_pack_big(len4, (uint32_t)len) ;
  return ancil_send_fd(ctl, messfd, REUSE_FD_MESS) && ancil_send_fd(ctl, repfd, REUSE_FD_REPORT)
      && fd_write(ctl, len4, 4) == 4 && fd_write(ctl, words, len) == (ssize_t)len ;
}

pid_t idle_give (state *st, char const *host, int messfd, int repfd, char const *words, size_t len, int *ctl)
{
  if (len > REUSE_JOB_MAX) return 0 ;
  for (unsigned int i = st->nidle ; i-- ; )
  {   /* the most recently parked first: its session is the least likely to have timed out */
    idle *x = st->idles + i ;
    pid_t pid = x->pid ;
    if (x->ctl < 0 || strcasecmp(x->host, host)) continue ;
    if (!send_job(x->ctl, messfd, repfd, words, len))
    {   /* gone meanwhile, or stuck: it quits, the job goes to a new child */
      quit(x) ;
      continue ;
    }
    *ctl = x->ctl ;
    x->ctl = -1 ;
    st->idles[i] = st->idles[--st->nidle] ;
    return pid ;
  }
  return 0 ;
}

int idle_reaped (state *st, pid_t pid)
{
  for (unsigned int i = 0 ; i < st->nidle ; i++)
    if (st->idles[i].pid == pid)
    {
      idle_gone(st, i) ;
      return 1 ;
    }
  return 0 ;
}

void idle_expire (state *st, int all)
{
  for (unsigned int i = 0 ; i < st->nidle ; i++)
    if (st->idles[i].ctl >= 0 && (all || !tain_less(&STAMP, &st->idles[i].deadline))) quit(st->idles + i) ;
}

int idle_deadline (state const *st, tain *deadline)
{
  int any = 0 ;
  for (unsigned int i = 0 ; i < st->nidle ; i++)
    if (st->idles[i].ctl >= 0 && (!any || tain_less(&st->idles[i].deadline, deadline)))
    {
      *deadline = st->idles[i].deadline ;
      any = 1 ;
    }
  return any ;
}
