/* ISC license. */
/* Reads the control files and the tcpserver environment once per session.
   Trust: control files (admin) and TCP* variables (tcpserver) are trusted; a missing file
   takes qmail's default, an unreadable one ends the session with a temporary error. */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

static void tempfail (smtpd *s, char const *file)
{
  strerr_warnwu2sys("read control/", file) ;
  smtpd_drop(s, RP_TEMP_CONFIG, "config") ;
}

static void readline_dflt (smtpd *s, stralloc *sa, char const *file, char const *dflt)
{
  size_t n = strlen(file) ;
  char fn[sizeof("control/") + n] ;
  memcpy(fn, "control/", 8) ; memcpy(fn + 8, file, n + 1) ;
  if (control_readline(sa, fn, dflt) < 0) tempfail(s, file) ;
}

static unsigned long readulong (smtpd *s, char const *file, unsigned long dflt)
{
  unsigned long u ;
  size_t n = strlen(file) ;
  char fn[sizeof("control/") + n] ;
  memcpy(fn, "control/", 8) ; memcpy(fn + 8, file, n + 1) ;
  if (control_readulong(&u, fn, dflt) <= 0) tempfail(s, file) ;
  return u ;
}

static void readlines (smtpd *s, stralloc *sa, char const *file)
{
  size_t n = strlen(file) ;
  char fn[sizeof("control/") + n] ;
  memcpy(fn, "control/", 8) ; memcpy(fn + 8, file, n + 1) ;
  if (control_readlines(sa, fn) < 0) tempfail(s, file) ;
}

/* A flag file: present (1) or absent (0); any other error ends the session. */
static int flagfile (smtpd *s, char const *file)
{
  size_t n = strlen(file) ;
  char fn[sizeof("control/") + n] ;
  memcpy(fn, "control/", 8) ; memcpy(fn + 8, file, n + 1) ;
  if (!access(fn, F_OK)) return 1 ;
  if (errno != ENOENT) tempfail(s, file) ;
  return 0 ;
}

/* control/rcptcheck: what berth-send classifies with (its defaults: locals and envnoathost are
   me) and the recipients map; a map that cannot be used is logged at each RCPT it would check */
static void smtpd_rcptcheck_config (smtpd *s)
{
  int r ;
  s->rcptcheck = flagfile(s, "rcptcheck") ;
  if (!s->rcptcheck) return ;
  readline_dflt(s, &s->rw.envnoathost, "envnoathost", s->me.s) ;
  if (!stralloc_0(&s->rw.envnoathost)) tempfail(s, "envnoathost") ;
  r = control_readlines(&s->rw.locals, "control/locals") ;
  if (r < 0 || (!r && !stralloc_catb(&s->rw.locals, s->me.s, s->me.len + 1))) tempfail(s, "locals") ;
  readlines(s, &s->rw.percenthack, "percenthack") ;
  readlines(s, &s->rw.vdoms, "virtualdomains") ;
  if (rcptmap_open(&s->rmap, RCPTMAP_FILE)) return ;
  s->mapwhy = errno == ENOENT ? "rcptmap-missing" : errno == EPROTO ? "rcptmap-corrupt" : "rcptmap-unreadable" ;
}

void smtpd_config (smtpd *s)
{
  char const *x ;
  unsigned long u ;

  s->remoteip = getenv("TCPREMOTEIP") ;
  if (!s->remoteip) s->remoteip = "unknown" ;
  s->remotehost = getenv("TCPREMOTEHOST") ;
  s->remoteinfo = getenv("TCPREMOTEINFO") ;
  s->localip = getenv("TCPLOCALIP") ;
  s->localhost = getenv("TCPLOCALHOST") ;
  s->relayclient = getenv("RELAYCLIENT") ;

  readline_dflt(s, &s->me, "me", 0) ;
  if (!s->me.len) { errno = ENOENT ; tempfail(s, "me") ; }
  readline_dflt(s, &s->greeting, "smtpgreeting", s->me.s) ;
  readline_dflt(s, &s->localiphost, "localiphost", s->me.s) ;
  readlines(s, &s->rcpthosts, "rcpthosts") ;
  readlines(s, &s->badmailfrom, "badmailfrom") ;
  if (cdb_init(&s->morercpthosts, "control/morercpthosts.cdb")) s->hasmore = 1 ;
  else if (errno != ENOENT) tempfail(s, "morercpthosts.cdb") ;

  smtpd_rcptcheck_config(s) ;
  s->requiretls = getenv("REQUIRETLS") || flagfile(s, "requiretls") ;
  s->requireauth = getenv("REQUIREAUTH") || flagfile(s, "requireauth") ;
  s->authloopback = flagfile(s, "authloopback")
    && (!strcmp(s->remoteip, "127.0.0.1") || !strcmp(s->remoteip, "::1")) ;
  x = getenv("CHECKPASSWORD") ;
  if (x && *x) { if (!stralloc_copys(&s->checkpw, x) || !stralloc_0(&s->checkpw)) tempfail(s, "checkpassword") ; }
  else readline_dflt(s, &s->checkpw, "checkpassword", 0) ;
  if (s->checkpw.len) s->checkpw.len = strlen(s->checkpw.s) ;
  if (getenv("NOAUTH")) s->checkpw.len = 0 ;   /* no AUTH on this port (berth-setup's port-25 service) */

  u = readulong(s, "databytes", 0) ;
  x = getenv("DATABYTES") ;
  if (x) { unsigned long v ; if (ulong0_scan(x, &v)) u = v ; }
  s->databytes = u ;

  u = readulong(s, "timeoutsmtpd", SMTPD_TIMEOUT_DEFAULT) ;
  if (!u || u > INT_MAX) u = SMTPD_TIMEOUT_DEFAULT ;
  tain_from_millisecs(&s->cmdtimeout, 0) ;
  tain_addsec(&s->cmdtimeout, &s->cmdtimeout, (int)u) ;
  u = readulong(s, "timeoutsmtpdsession", SMTPD_SESSION_DEFAULT) ;
  if (!u || u > INT_MAX) u = SMTPD_SESSION_DEFAULT ;
  tain_now_g() ;
  tain_addsec_g(&s->sessionend, (int)u) ;
}
