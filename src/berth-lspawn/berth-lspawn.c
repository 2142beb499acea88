/* ISC license. */
/* berth-lspawn: qmail-lspawn(8). Reads jobs on fd 0, runs one berth-local per job as the
   recipient, in a child kept for more jobs (berth/kept.h): single-user mode, any job (all run
   as the owner); multi-user mode, only jobs that run with its uid and gid, its key (keyed
   below). Writes one result per recipient on fd 1. Many jobs run at once: the spawner
   skeleton's loop (berth/spawner.h) runs them; this file is its hooks, starting a job and
   turning its end into a result.
   Trust: jobs come from berth-send (the queue owner); addresses inside them are untrusted. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/bytestr.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/qq.h>
#include <berth/kept.h>
#include <berth/queue.h>
#include "lspawn.h"
#include "state.h"

#define EXTRA_TEXT "berth-lspawn: a local job carries one recipient. (#4.3.0)"
#define NOREPORT_TEMP "Temporary failure without a report: berth-local exited "
#define NOREPORT_TEMP_END ". (#4.3.0)"
#define NOREPORT_PERM "Permanent failure without a report: berth-local exited "
#define NOREPORT_PERM_END ". (#5.3.0)"

static void put_result (spawner *sp, unsigned char slot, char code, char const *s, size_t len, unsigned int extra)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = result_cat(&sa, code, s, len) ;
  while (ok && extra--) ok = result_cat(&sa, RESULT_TEMP, EXTRA_TEXT, sizeof(EXTRA_TEXT) - 1) ;
  if (!ok) strerr_diefu1sys(111, "allocate") ;
  spawner_result(sp, slot, sa.s, sa.len) ;
  stralloc_free(&sa) ;
}

static void put_results (spawner *sp, unsigned char slot, char code, char const *s, unsigned int extra)
{
  put_result(sp, slot, code, s, strlen(s), extra) ;
}

/* the job's result from its report and how its child ended */
void lspawn_finish (spawner *sp, unsigned char slot, spawner_end how)
{
  state *st = sp->ctx ;
  spawner_job *j = sp->jobs + slot ;
  stralloc *out = &j->report ;
  char code = RESULT_PERM ;
  char fmt[UINT_FMT] ;
  char const *s ;
  size_t len ;
  int wstat = j->wstat ;
  s = out->s ; len = out->len ;
  while (len && out->s[len-1] == '\n') len-- ;
  if (how == SPAWNER_END_TIMEOUT)
  {
    size_t n = uint_fmt(fmt, sp->timeout) ;
    if (!stralloc_copys(out, "Delivery timed out after ") || !stralloc_catb(out, fmt, n)
     || !stralloc_cats(out, " seconds. (#4.3.0)")) strerr_diefu1sys(111, "allocate") ;
    code = RESULT_TEMP ; s = out->s ; len = out->len ;
  }
  else if (WIFSIGNALED(wstat))
  {
    code = RESULT_TEMP ; s = "berth-local crashed. (#4.3.0)" ; len = strlen(s) ;
  }
  else switch (WEXITSTATUS(wstat))
  {
    case 0 : code = RESULT_OK ; break ;
    case 111 : case 71 : case 74 : case 75 : code = RESULT_TEMP ; break ;
    default : code = RESULT_PERM ; break ;
  }
  if (!len && code != RESULT_OK)
  {  /* the text says what the code does: a D is never "try again" */
    if (!stralloc_copys(out, code == RESULT_TEMP ? NOREPORT_TEMP : NOREPORT_PERM)
     || !stralloc_catb(out, fmt, uint_fmt(fmt, WEXITSTATUS(wstat)))
     || !stralloc_cats(out, code == RESULT_TEMP ? NOREPORT_TEMP_END : NOREPORT_PERM_END)) strerr_diefu1sys(111, "allocate") ;
    s = out->s ; len = out->len ;
  }
  put_result(sp, slot, code, s, len, st->extra[slot]) ;
  st->extra[slot] = 0 ;
}

/* The kept children's key: the identity a child runs with for its life. As root that is what the
   setuid step set, uid and gid (the groups are the gid alone); everything else of the assign
   entry (home, user, ext) is in the job's words and set again per job. A child of one key never
   gets another key's job: its uid is all that stands between two recipients. Single-user: one
   identity, the empty key. */
#define KEY_MAX (UID_FMT + GID_FMT + 1)
static void keyed (char *key, int root, target const *t)
{
  size_t n = 0 ;
  if (root)
  {
    n = uid_fmt(key, t->uid) ;
    key[n++] = ':' ;
    n += gid_fmt(key + n, t->gid) ;
  }
  key[n] = 0 ;
}

/* the job for a kept child of its key, or a new child with its control socket; the pid, or -1 */
static pid_t spawn (spawner *sp, target const *t, char const *key, char const *const *args, int mfd, int outfd, int *ctl)
{
  state *st = sp->ctx ;
  int child ;
  pid_t pid ;
  *ctl = -1 ;
  pid = keptset_give(&sp->kept, key, mfd, outfd, args, LOCAL_ARGS, ctl) ;
  if (pid) return pid ;
  if (!spawner_ctlpair(ctl, &child)) return -1 ;
  pid = local_spawn(st->prog, st->c.root, t, args, mfd, outfd, child) ;
  fd_close(child) ;
  if (pid < 0) { fd_close(*ctl) ; *ctl = -1 ; return -1 ; }
  return pid ;
}

static void start (spawner *sp, unsigned char slot, char const *id, char const *sender, char const *rcpt, unsigned int extra)
{
  state *st = sp->ctx ;
  stralloc sa = STRALLOC_ZERO ;
  target t ;
  char const *text ;
  char const *at = strrchr(rcpt, '@') ;
  size_t llen = at ? (size_t)(at - rcpt) : strlen(rcpt) ;
  char const *domain = at ? at + 1 : st->me.s ;
  char local[QQ_ADDR_MAX], lower[QQ_ADDR_MAX], key[KEY_MAX] ;
  char code ;
  int p[2], mfd, ctl ;
  pid_t pid ;
  if (strlen(rcpt) >= QQ_ADDR_MAX || strlen(id) >= QUEUE_ID_MAX)
  {
    put_results(sp, slot, RESULT_PERM, "Address or queue id too long. (#5.1.3)", extra) ;
    return ;
  }
  memcpy(local, rcpt, llen) ; local[llen] = 0 ;
  memcpy(lower, local, llen + 1) ;
  case_lowerb(lower, llen) ;
  if (spawner_busy(sp, slot))
  {
    strerr_warnw2x("slot busy, job refused: ", id) ;
    put_results(sp, slot, RESULT_TEMP, "berth-lspawn: delivery slot busy. (#4.3.0)", extra) ;
    return ;
  }
  code = lookup(&st->c, &st->pw, lower, &t, &sa, &text) ;
  if (code) { put_result(sp, slot, code, text, strlen(text), extra) ; goto end ; }
  if (!queue_id_ok(id)) { put_results(sp, slot, RESULT_TEMP, "Invalid queue id. (#4.3.0)", extra) ; goto end ; }
  mfd = mess_open(id, st->qowner, st->c.root, &text) ;
  if (mfd < 0) { put_results(sp, slot, RESULT_TEMP, text, extra) ; goto end ; }
  if (pipe2(p, O_CLOEXEC) < 0) { fd_close(mfd) ; put_results(sp, slot, RESULT_TEMP, "Unable to create a pipe. (#4.3.0)", extra) ; goto end ; }
  {
    char const *args[LOCAL_ARGS] = { sa.s + t.user, sa.s + t.home, local, sa.s + t.dash, sa.s + t.ext, domain, sender, st->dflt.s } ;
    keyed(key, st->c.root, &t) ;
    pid = spawn(sp, &t, key, args, mfd, p[1], &ctl) ;
  }
  fd_close(mfd) ; fd_close(p[1]) ;
  if (pid < 0)
  {
    fd_close(p[0]) ;
    put_results(sp, slot, RESULT_TEMP, "Unable to fork. (#4.3.0)", extra) ;
    goto end ;
  }
  st->extra[slot] = extra ;
  spawner_run(sp, slot, pid, p[0], ctl, ctl >= 0 ? key : 0) ;
 end:
  stralloc_free(&sa) ;
}

/* a job from berth-send: one recipient (more are refused), none: nothing to do */
void lspawn_start (spawner *sp, spawner_jobin const *job)
{   /* an empty address (job->bad) is looked up as any other, and refused there */
  if (job->n) start(sp, (unsigned char)job->s[0], job->f[0], job->f[1], job->f[2], job->n - 1) ;
}
