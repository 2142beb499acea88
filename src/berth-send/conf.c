/* ISC license. */
/* Control files, read at start and on SIGHUP. A file that cannot be read at start is fatal;
   on a reread the old value stays and a warning is logged. */

#include <string.h>
#include <skalibs/strerr.h>
#include <berth/control.h>
#include <berth/envelope.h>
#include "send.h"

static void rl (stralloc *sa, char const *file, char const *dflt, int reread)
{
  stralloc t = STRALLOC_ZERO ;
  if (control_readline(&t, file, dflt) < 0)
  {
    if (!reread) strerr_diefu2sys(111, "read ", file) ;
    strerr_warnwu2sys("read ", file) ; stralloc_free(&t) ; return ;
  }
  if (!stralloc_0(&t)) strerr_diefu1sys(111, "allocate") ;
  stralloc_free(sa) ; *sa = t ;
}

static void rls (stralloc *sa, char const *file, char const *dflt, int reread)
{
  stralloc t = STRALLOC_ZERO ;
  int r = control_readlines(&t, file) ;
  if (r < 0)
  {
    if (!reread) strerr_diefu2sys(111, "read ", file) ;
    strerr_warnwu2sys("read ", file) ; stralloc_free(&t) ; return ;
  }
  if (!r && dflt && !stralloc_catb(&t, dflt, strlen(dflt) + 1)) strerr_diefu1sys(111, "allocate") ;
  stralloc_free(sa) ; *sa = t ;
}

static void ru (unsigned long *u, char const *file, unsigned long dflt, unsigned long max, int reread)
{
  unsigned long v ;
  if (control_readulong(&v, file, dflt) <= 0)
  {
    if (!reread) strerr_diefu2sys(111, "read a number from ", file) ;
    strerr_warnwu2sys("read a number from ", file) ; return ;
  }
  if (max && v > max) v = max ;
  *u = v ;
}

void conf_read (ctx *c, int reread)
{
  stralloc me = STRALLOC_ZERO ;
  if (control_readline(&me, "control/me", "") < 0 || !stralloc_0(&me)) strerr_diefu1sys(111, "read control/me") ;
  rl(&c->rw.envnoathost, "control/envnoathost", me.s, reread) ;
  rls(&c->rw.locals, "control/locals", me.s[0] ? me.s : 0, reread) ;
  rls(&c->rw.percenthack, "control/percenthack", 0, reread) ;
  rls(&c->rw.vdoms, "control/virtualdomains", 0, reread) ;
  ru(&c->conc[CHAN_LOCAL], "control/concurrencylocal", 10, SLOTS_MAX, reread) ;
  ru(&c->conc[CHAN_REMOTE], "control/concurrencyremote", 20, SLOTS_MAX, reread) ;
  ru(&c->destconc, "control/concurrencydomain", 20, SLOTS_MAX, reread) ;
  ru(&c->ratedelay, "control/ratedelay", 0, 3600000, reread) ;
  rls(&c->destmap, "control/destinations", 0, reread) ;
  ru(&c->lifetime, "control/queuelifetime", 604800, 0, reread) ;
  ru(&c->delaywarn, "control/delaywarning", 0, 0, reread) ;
  ru(&c->scale, "control/retryscale", 1, 1000000, reread) ;
  if (!c->scale) c->scale = 1 ;
  {
    size_t r, b ;
    if (envelope_limits(&r, &b) < 0)
    {
      if (!reread) strerr_diefu1sys(111, "read " ENVELOPE_RCPTS_FILE " and " ENVELOPE_BYTES_FILE) ;
      strerr_warnwu1sys("read " ENVELOPE_RCPTS_FILE " and " ENVELOPE_BYTES_FILE) ;
    }
    else { c->envrcpts = r ; c->envbytes = b ; }
  }
  stralloc_free(&me) ;
  dest_conf(c) ;
}
