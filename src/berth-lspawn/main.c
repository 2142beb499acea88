/* ISC license. */
/* berth-lspawn's setup; the event loop is the spawner skeleton's (berth/spawner.h), the job
   logic berth-lspawn.c's hooks. */

#include <malloc.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/kept.h>
#include <berth/queue.h>
#include <berth/sibling.h>
#include <berth/spawner.h>
#include <berth/stdopts.h>
#include "lspawn.h"
#include "state.h"

/* conf-break: the character between a user name and an extension (qmail's auto_break) */
#ifndef BERTH_CONF_BREAK
#define BERTH_CONF_BREAK '-'
#endif
#define CONF_BREAK BERTH_CONF_BREAK

static char const *sibling (char const *name)
{
  stralloc p = STRALLOC_ZERO ;
  if (!berth_sibling(&p, name)) strerr_diefu2sys(111, "find ", name) ;
  return p.s ;
}

static void setup (state *st, spawner *sp)
{
  struct stat s ;
  stralloc sa = STRALLOC_ZERO ;
  /* berth-local and berth-getpw live next to us (an absolute path, found before the chdir) */
  st->prog = sibling(LOCAL_PROG) ;
  st->pw.prog = sibling(GETPW_PROG) ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (stat(QUEUE_DIR, &s) < 0) strerr_diefu2sys(111, "stat ", QUEUE_DIR) ;
  st->qowner = s.st_uid ;
  /* the alias uid (without a passwd "alias"): alias/'s owner, else the home's */
  if (stat(ALIAS_DIR, &s) < 0 && stat(".", &s) < 0) strerr_diefu1sys(111, "stat the instance home") ;
  st->c.root = !geteuid() ;
  st->c.uid = getuid() ; st->c.gid = getgid() ;
  st->c.homeuid = s.st_uid ; st->c.homegid = s.st_gid ;
  st->c.name = 0 ; st->c.pwdir = 0 ;
  st->c.brk = CONF_BREAK ;
  if (!st->c.root)
  {
    /* single-user: the owner's own passwd entry, once; berth-getpw is not kept */
    char fmt[UID_FMT] ;
    pwent pe ;
    int r ;
    fmt[uid_fmt(fmt, st->c.uid)] = 0 ;
    r = getpw_ask(&st->pw, 'u', fmt, &pe, &sa) ;
    if (r < 0) strerr_diefu2sys(111, "look up our passwd entry with ", st->pw.prog) ;
    if (r) { st->c.name = sa.s + pe.name ; st->c.pwdir = sa.s + pe.dir ; }
    getpw_end(&st->pw) ;
  }
  {
    stralloc cwd = STRALLOC_ZERO ;
    if (sagetcwd(&cwd) < 0 || !stralloc_cats(&cwd, "/" ALIAS_DIR) || !stralloc_0(&cwd)) strerr_diefu1sys(111, "get the instance directory") ;
    st->c.aliashome = cwd.s ;
  }
  if (control_readline(&st->dflt, "control/defaultdelivery", DEFAULT_DELIVERY) < 0) strerr_diefu1sys(111, "read control/defaultdelivery") ;
  if (!st->dflt.len && !stralloc_copys(&st->dflt, DEFAULT_DELIVERY)) strerr_diefu1sys(111, "allocate") ;
  if (!stralloc_0(&st->dflt)) strerr_diefu1sys(111, "allocate") ;
  if (control_readline(&st->me, "control/me", "localhost") < 0) strerr_diefu1sys(111, "read control/me") ;
  {
    unsigned long u ;
    if (control_readulong(&u, "control/timeoutlocal", TIMEOUT_LOCAL_DEFAULT) <= 0 || u > UINT_MAX / 2)
      strerr_dief1x(111, "control/timeoutlocal is unreadable or not a number of seconds") ;
    sp->timeout = u ;
  }
  /* as root a kept child runs as its recipient, who may stop it: one told to quit that stays
     is killed (berth/kept.h), or berth-lspawn would wait for it at the end forever */
  if (st->c.root) sp->kept.killsecs = KEPT_QUIT_SECS ;
}

static spawner_hooks const hooks =
{
  .start = &lspawn_start,
  .finish = &lspawn_finish,
  .policy = SPAWNER_NOWAIT,   /* a .qmail program may leave a process holding the report pipe */
  .reportmax = OUT_MAX,
  .killtext = "a local delivery ran past control/timeoutlocal: killed"
} ;

int main (int argc, char const *const *argv)
{
  state st = { .pw = GETPW_ZERO } ;
  spawner sp ;
  PROG = "berth-lspawn" ;
  berth_stdopts(argc, argv, USAGE) ;
  /* no fastbins: the first large malloc of a forked child would consolidate the parent's, writing
     to (so copying) every heap page holding one (doc/performance.md, "Fastbins and fork") */
  mallopt(M_MXFAST, 0) ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  spawner_init(&sp, &hooks, &st) ;
  setup(&st, &sp) ;
  tzset() ;   /* once here: the forked deliveries inherit it instead of each reading /etc/localtime */
  spawner_loop(&sp) ;
  return 0 ;
}
