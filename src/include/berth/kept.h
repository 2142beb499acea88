/* ISC license. */
/* A kept child: a forked worker of a spawner (berth-rspawn's berth-remote, berth-lspawn's
   berth-local: forked in single-user mode, exec'ed as the recipient in multi-user mode) that, its job done, waits on a control socket for another
   instead of exiting (doc/berth-rspawn.md, "Connection reuse"; doc/berth-lspawn.md). The spawner
   sends the job's message fd and a new report pipe (SCM_RIGHTS), then the job's length (4 bytes,
   big-endian) and its words, each NUL-terminated. The child says KEPT_IDLE on the socket when its
   report is complete and it can take another. Trust: the words are checked as any argv; a child
   exec'ed as another user (berth-lspawn as root) may be that user's to control: it only ever
   gets jobs for its own key, and one told to quit that stays is killed (killsecs). */
#ifndef BERTH_KEPT_H
#define BERTH_KEPT_H

#include <stddef.h>
#include <sys/types.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>

#define KEPT_IDLE 'I'             /* child to spawner: report done, waiting for a job */
#define KEPT_FD_MESS 'm'
#define KEPT_FD_REPORT 'r'
#define KEPT_CTL_FD 3             /* the control socket's fd in the child */
#define KEPT_JOB_MAX 16384        /* a job's words sent to a kept child at most */
#define KEPT_IDLE_SECS 2          /* a kept child waits this long for a job (Postfix: 2 s) */
#define KEPT_WAIT_MAX 60          /* then quits by itself even if the spawner said nothing */
#define KEPT_REST_MAX 10          /* seconds for the rest of a job once its first fd came */
#define KEPT_QUIT_SECS 2          /* a child told to quit has this long to exit (when killsecs is asked) */
#define KEPT_SET_MAX 64           /* kept children per spawner at most */
#define KEPT_KEY_MAX 255          /* what a kept child serves (berth-rspawn: the host); longer: not kept */
#define KEPT_ENV_FD "BERTH_KEPT_FD"   /* an exec'ed kept child's control socket fd (berth-local) */

/* child: says KEPT_IDLE (its report is complete, closed), then waits for the next job.
   1: fds 0 and 1 are its message and report pipe (not close-on-exec),
   *args (char const *) its words in store, *n their count; 0: the end (EOF, an error, a bad
   frame, KEPT_WAIT_MAX without a word) */
extern int kept_next (int ctl, stralloc *store, genalloc *args, unsigned int *n) ;

/* spawner: its kept children (keptset.c). An entry with ctl -1 was told to quit (its control
   socket closed: it exits) and stays until reaped, so that the spawner can wait for it. */
typedef struct kept_s kept, *kept_ref ;
struct kept_s
{
  pid_t pid ;
  int ctl ;
  tain deadline ;           /* kept: its idle end; told to quit: when it is killed (killsecs) */
  int killed ;
  char key[KEPT_KEY_MAX + 1] ;
} ;
typedef struct keptset_s keptset, *keptset_ref ;
struct keptset_s
{
  kept k[KEPT_SET_MAX] ;
  unsigned int n ;
  unsigned int killsecs ;   /* a child told to quit and not reaped this long after gets SIGKILL; 0: never */
} ;
#define KEPTSET_ZERO { .n = 0, .killsecs = 0 }

/* keep the child pid (its control socket ctl) for jobs with this key, KEPT_IDLE_SECS from now;
   told to quit at once with quitnow; when the set is full or the key too long, ctl is closed */
extern void keptset_park (keptset *s, pid_t pid, int ctl, char const *key, int quitnow) ;
/* hands the job (its n words) to a child kept for key (compared without case), the most
   recently kept first: its pid and *ctl, removed from the set; 0 when none took it (none kept,
   or the words longer than KEPT_JOB_MAX: a new child gets them through its argv) */
extern pid_t keptset_give (keptset *s, char const *key, int messfd, int repfd, char const *const *words, unsigned int n, int *ctl) ;
/* a working child's word on its non-blocking ctl: 1 KEPT_IDLE, 0 nothing yet, -1 EOF, an error
   or anything else (the caller closes ctl: that child is not kept) */
extern int kept_heard (int ctl) ;
extern int keptset_reaped (keptset *s, pid_t pid) ;          /* 1: pid was in the set, now gone */
extern void keptset_quit (keptset *s, unsigned int i) ;      /* entry i told to quit */
/* those past their deadline told to quit (all: every one); those told to quit killsecs ago killed */
extern void keptset_expire (keptset *s, int all) ;
extern int keptset_deadline (keptset const *s, tain *deadline) ;   /* the next deadline; 0: none */

#endif
