/* ISC license. */
/* A spawner's kept children (berth/kept.h): berth-rspawn's sessions kept for a host,
   berth-lspawn's deliveries (single-user: for any job; multi-user: for the recipient identity
   each runs as). Trust: a child may be another user's to control (berth-lspawn as root): one
   that misbehaves is told to quit, and with killsecs one that then stays is killed. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/ancil.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <skalibs/uint32.h>
#include <berth/kept.h>

static void quit (keptset *s, kept *k)
{
  if (k->ctl < 0) return ;
  fd_close(k->ctl) ;   /* EOF: the child exits */
  k->ctl = -1 ;
  /* idle, with no job: killing it loses nothing; one stopped by its user would stay forever */
  if (s->killsecs) tain_addsec_g(&k->deadline, s->killsecs) ;
}

int kept_heard (int ctl)
{
  char c ;
  ssize_t r = fd_read(ctl, &c, 1) ;
  if (r < 0 && error_isagain(errno)) return 0 ;
  return r == 1 && c == KEPT_IDLE ? 1 : -1 ;
}

void keptset_quit (keptset *s, unsigned int i)
{
  quit(s, s->k + i) ;
}

void keptset_park (keptset *s, pid_t pid, int ctl, char const *key, int quitnow)
{
  kept *k ;
  size_t len = strlen(key) ;
  if (s->n >= KEPT_SET_MAX || len > KEPT_KEY_MAX) { fd_close(ctl) ; return ; }
  k = s->k + s->n++ ;
  k->pid = pid ;
  k->ctl = ctl ;
  k->killed = 0 ;
  memcpy(k->key, key, len + 1) ;
  tain_addsec_g(&k->deadline, KEPT_IDLE_SECS) ;
  if (quitnow) quit(s, k) ;
}

/* the job's length (4 bytes, big-endian), then its words, each NUL-terminated. 0: no memory,
   or longer than KEPT_JOB_MAX */
static int frame (stralloc *sa, char const *const *words, unsigned int n)
{
  if (!stralloc_catb(sa, "\0\0\0\0", 4)) return 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (!stralloc_catb(sa, words[i], strlen(words[i]) + 1)) return 0 ;
  if (sa->len - 4 > KEPT_JOB_MAX) return 0 ;
  uint32_pack_big(sa->s, (uint32_t)(sa->len - 4)) ;
  return 1 ;
}

static int send_job (int ctl, int messfd, int repfd, stralloc const *job)
{
  return ancil_send_fd(ctl, messfd, KEPT_FD_MESS) && ancil_send_fd(ctl, repfd, KEPT_FD_REPORT)
      && fd_write(ctl, job->s, job->len) == (ssize_t)job->len ;
}

pid_t keptset_give (keptset *s, char const *key, int messfd, int repfd, char const *const *words, unsigned int n, int *ctl)
{
  stralloc job = STRALLOC_ZERO ;
  pid_t pid = 0 ;
  if (!frame(&job, words, n)) goto end ;   /* a new child gets it through its argv */
  for (unsigned int i = s->n ; i-- ; )
  {   /* the most recently kept first: for a session, the least likely to have timed out */
    kept *k = s->k + i ;
    if (k->ctl < 0 || strcasecmp(k->key, key)) continue ;
    if (!send_job(k->ctl, messfd, repfd, &job)) { quit(s, k) ; continue ; }   /* gone, or stuck */
    pid = k->pid ;
    *ctl = k->ctl ;
    s->k[i] = s->k[--s->n] ;
    break ;
  }
 end:
  stralloc_free(&job) ;
  return pid ;
}

int keptset_reaped (keptset *s, pid_t pid)
{
  for (unsigned int i = 0 ; i < s->n ; i++)
    if (s->k[i].pid == pid)
    {
      quit(s, s->k + i) ;
      s->k[i] = s->k[--s->n] ;
      return 1 ;
    }
  return 0 ;
}

/* an entry whose deadline counts: kept, or told to quit and to be killed */
static int timed (keptset const *s, kept const *k)
{
  return k->ctl >= 0 || (s->killsecs && !k->killed) ;
}

void keptset_expire (keptset *s, int all)
{
  for (unsigned int i = 0 ; i < s->n ; i++)
  {
    kept *k = s->k + i ;
    if (k->ctl >= 0) { if (all || !tain_less(&STAMP, &k->deadline)) quit(s, k) ; }
    else if (timed(s, k) && !tain_less(&STAMP, &k->deadline))
    {  /* not reaped yet: the pid is still this child's */
      kill(k->pid, SIGKILL) ;
      k->killed = 1 ;
    }
  }
}

int keptset_deadline (keptset const *s, tain *deadline)
{
  int any = 0 ;
  for (unsigned int i = 0 ; i < s->n ; i++)
    if (timed(s, s->k + i) && (!any || tain_less(&s->k[i].deadline, deadline)))
    {
      *deadline = s->k[i].deadline ;
      any = 1 ;
    }
  return any ;
}
