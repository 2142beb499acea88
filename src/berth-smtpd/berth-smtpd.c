/* ISC license. */
/* berth-smtpd: the RFC 5321 receiver, one session on fd 0/1 under tcpserver (main.c), or in a
   child of berth-listen without an exec (smtpd_main). Trust: the peer is untrusted; tcpserver's
   (berth-listen's) environment and the control files are trusted. Never runs as root.
   doc/berth-smtpd.md describes it. */

#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <berth/home.h>
#include <berth/sibling.h>
#include <berth/envext.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

#define QUEUE_PROG "berth-queue"
#define RP_HOME "421 4.3.0 unable to switch to the instance home (#4.3.0)"

/* $QMAILQUEUE, else berth-queue in the directory of the running binary, else from $PATH. */
static void findqueue (smtpd *s)
{
  char const *x = getenv("QMAILQUEUE") ;
  if (x && *x) { s->queueprog = x ; return ; }
  s->queueprog = berth_sibling(&s->qqpath, QUEUE_PROG) ? s->qqpath.s : QUEUE_PROG ;
}

/* One session on fd 0/1; r: the process may serve more (berth-listen -m, reuse.c), else 0. */
static void session (smtpd *s, smtpd_reuse *r) gccattr_noreturn ;
static void session (smtpd *s, smtpd_reuse *r)
{
  PROG = "berth-smtpd" ;
  memset(s, 0, sizeof *s) ;   /* every member's _ZERO is all-zero bytes; in a reused process,
                                 the earlier session's buffers (the message's among them) too */
  s->reuse = r ;
  s->slotfd = -1 ;
  s->qwfd = -1 ;
  if (!getuid() || !geteuid()) strerr_dief1x(111, "refusing to run as root: run me as an unprivileged user (tcpserver -u/-g or s6-setuidgid)") ;
  sig_ignore(SIGPIPE) ;
  tain_now_set_stopwatch_g() ;
  smtpd_io_init(s) ;
  if (chdir(berth_home()) < 0)
  {
    strerr_warnwu2sys("chdir to ", berth_home()) ;
    smtpd_drop(s, RP_HOME, "home") ;
  }
  s->qdirect = smtpd_qd_usable() ;
  if (!s->qdirect) findqueue(s) ;   /* queueing in process needs no program: no readlink per session */
  if (!s->qdirect) s->qwpath = smtpd_qw_path() ;   /* multi-user: berth-qwriter, else berth-queue */
  /* in process: the envelope limits once per session, as qmail-smtpd reads its control files;
     unreadable now, each message reads them (and fails temporarily if they still are) */
  s->envlimits = s->qdirect && envelope_limits(&s->envmaxrcpt, &s->envmaxbytes) == 0 ;
  s->envext = s->qdirect || envext_writable(getenv("QMAILQUEUE"), getenv(ENVEXT_QMAILQUEUE_EXT)) ;
  smtpd_config(s) ;
  if (!smtpd_slot(&s->slotfd)) smtpd_drop(s, RP_BUSY, "busy") ;
  smtpd_tls_init(s) ;
  smtpd_puts(s, RP_GREETING) ;
  smtpd_put(s, s->greeting.s, s->greeting.len) ;
  smtpd_puts(s, RP_GREETING_END "\r\n") ;
  smtpd_loop(s) ;
}

void smtpd_main (void)
{
  smtpd s ;
  session(&s, 0) ;
}

int smtpd_serve (smtpd_reuse *r)
{
  smtpd s ;
  if (sigsetjmp(r->back, 0)) return 1 ;   /* smtpd_reuse_end: the session ended cleanly */
  session(&s, r) ;
}
