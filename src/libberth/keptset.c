/* ISC license. */
/* A spawner's kept children (berth/kept.h): berth-rspawn's sessions kept for a host,
   berth-lspawn's single-user deliveries. Trust: the children are the spawner's own code as the
   same user; one that misbehaves is told to quit. */

#include <string.h>
#include <strings.h>
#include <skalibs/djbunix.h>
#include <skalibs/tai.h>
#include <berth/kept.h>

static void quit (kept *k)
{
  if (k->ctl >= 0) fd_close(k->ctl) ;   /* EOF: the child exits */
  k->ctl = -1 ;
}

void keptset_quit (keptset *s, unsigned int i)
{
  quit(s->k + i) ;
}

void keptset_park (keptset *s, pid_t pid, int ctl, char const *key, int quitnow)
{
  kept *k ;
  size_t len = strlen(key) ;
  if (s->n >= KEPT_SET_MAX || len > KEPT_KEY_MAX) { fd_close(ctl) ; return ; }
  k = s->k + s->n++ ;
  k->pid = pid ;
  k->ctl = ctl ;
  memcpy(k->key, key, len + 1) ;
  tain_addsec_g(&k->deadline, KEPT_IDLE_SECS) ;
  if (quitnow) quit(k) ;
}

pid_t keptset_give (keptset *s, char const *key, int messfd, int repfd, char const *words, size_t len, int *ctl)
{
  if (len > KEPT_JOB_MAX) return 0 ;   /* a new child gets it */
  for (unsigned int i = s->n ; i-- ; )
  {   /* the most recently kept first: for a session, the least likely to have timed out */
    kept *k = s->k + i ;
    pid_t pid = k->pid ;
    if (k->ctl < 0 || strcasecmp(k->key, key)) continue ;
    if (!kept_send(k->ctl, messfd, repfd, words, len)) { quit(k) ; continue ; }   /* gone, or stuck */
    *ctl = k->ctl ;
    s->k[i] = s->k[--s->n] ;
    return pid ;
  }
  return 0 ;
}

int keptset_reaped (keptset *s, pid_t pid)
{
  for (unsigned int i = 0 ; i < s->n ; i++)
    if (s->k[i].pid == pid)
    {
      quit(s->k + i) ;
      s->k[i] = s->k[--s->n] ;
      return 1 ;
    }
  return 0 ;
}

void keptset_expire (keptset *s, int all)
{
  for (unsigned int i = 0 ; i < s->n ; i++)
    if (s->k[i].ctl >= 0 && (all || !tain_less(&STAMP, &s->k[i].deadline))) quit(s->k + i) ;
}

int keptset_deadline (keptset const *s, tain *deadline)
{
  int any = 0 ;
  for (unsigned int i = 0 ; i < s->n ; i++)
    if (s->k[i].ctl >= 0 && (!any || tain_less(&s->k[i].deadline, deadline)))
    {
      *deadline = s->k[i].deadline ;
      any = 1 ;
    }
  return any ;
}
