/* ISC license. */

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/bufalloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/sig.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/nsrv.h>

static int seconds (tain *t, char const *file, unsigned long dflt)
{
  unsigned long u ;
  if (control_readulong(&u, file, dflt) <= 0) return 0 ;
  if (!u || u > INT_MAX) u = dflt ;
  tain_from_millisecs(t, 0) ;
  tain_addsec(t, t, (int)u) ;
  return 1 ;
}

int nsrv_init (nsrv *s, char const **what)
{
  unsigned long u ;
  char const *x ;
  tain session ;
  sig_ignore(SIGPIPE) ;
  tain_now_set_stopwatch_g() ;
  tain_now_g() ;
  buffer_init(&s->in, &buffer_read, 0, s->inbuf, sizeof s->inbuf) ;
  bufalloc_init(&s->out, &fd_write, 1) ;
  s->me = stralloc_zero ;
  s->remoteip = getenv("TCPREMOTEIP") ;
  if (!s->remoteip) s->remoteip = "unknown" ;
  /* until the files are read, a failure is still answered within the defaults */
  tain_from_millisecs(&s->timeout, NSRV_TIMEOUT_DEFAULT * 1000) ;
  tain_addsec_g(&s->sessionend, NSRV_SESSION_DEFAULT) ;
  *what = "fd 0 non-blocking" ;
  if (ndelay_on(0) < 0 || ndelay_on(1) < 0) return 0 ;
  *what = berth_home() ;
  if (chdir(berth_home()) < 0) return 0 ;
  *what = "control/me" ;
  if (control_readline(&s->me, "control/me", 0) <= 0 || !s->me.len) { if (!errno) errno = ENOENT ; return 0 ; }
  *what = "control/databytes" ;
  if (control_readulong(&u, "control/databytes", 0) <= 0) return 0 ;
  x = getenv("DATABYTES") ;
  if (x) { unsigned long v ; if (ulong0_scan(x, &v)) u = v ; }
  s->databytes = u ;
  *what = "control/timeoutsmtpd" ;
  if (!seconds(&s->timeout, "control/timeoutsmtpd", NSRV_TIMEOUT_DEFAULT)) return 0 ;
  *what = "control/timeoutsmtpdsession" ;
  if (!seconds(&session, "control/timeoutsmtpdsession", NSRV_SESSION_DEFAULT)) return 0 ;
  tain_add_g(&s->sessionend, &session) ;
  return 1 ;
}
