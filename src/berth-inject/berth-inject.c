/* ISC license. */
/* berth-inject: qmail-inject(8). Reads a message on stdin, adds Date, Message-ID and From when
   missing, drops Bcc, finds the recipients, and hands the message to berth-queue ($QMAILQUEUE).
   Trust: run by any local user; argv, environment and message are that user's, and only choose
   what that user could write to berth-queue directly. */

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/sgetopt.h>
#include <skalibs/sig.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/clock.h>
#include <berth/control.h>
#include <berth/home.h>
#include <berth/stdopts.h>
#include "inject.h"

#define USAGE "berth-inject [ -a | -A | -h | -H ] [ -n | -N ] [ -f sender ] [ recipient ... ]"

static char const *getenv2 (char const *const *names)
{
  for (; *names ; names++)
  {
    char const *x = getenv(*names) ;
    if (x) return x ;
  }
  return 0 ;
}

/* control/FILE, else control/me, else the literal dflt; then $ENV overrides. */
static void control (stralloc *sa, char const *file, char const *env, stralloc const *me, char const *dflt)
{
  char const *x = getenv(env) ;
  int r ;
  if (x)
  {
    if (!stralloc_copys(sa, x)) strerr_diefu1sys(111, "stralloc_copys") ;
    return ;
  }
  r = control_readline(sa, file, 0) ;
  if (r < 0) strerr_diefu2sys(111, "read ", file) ;
  if (r > 0 && sa->len) return ;
  if (me->len ? !stralloc_copy(sa, me) : !stralloc_copys(sa, dflt)) strerr_diefu1sys(111, "stralloc_copy") ;
}

static void flags (inject *in, char const *x)
{
  if (x) for (; *x ; x++) switch (*x)
  {
    case 'c' : in->namecomment = 1 ; break ;
    case 's' : in->delreturnpath = 1 ; break ;
    case 'f' : in->delfrom = 1 ; break ;
    case 'i' : in->delmsgid = 1 ; break ;
    case 'r' : in->verprcpt = 1 ; break ;
    case 'm' : in->verpmess = 1 ; break ;
    default : break ;
  }
}

/* Envelope addresses and From parts must not carry line breaks or other control bytes. */
static void check (char const *what, char const *s)
{
  if (!s) return ;
  for (; *s ; s++)
    if ((unsigned char)*s < 32 || *s == 127) strerr_dief2x(100, "control character in ", what) ;
}

static int has_recipients (inject const *in)
{
  if (in->strategy != RECIP_HEADER && in->rargs.len) return 1 ;
  if (in->strategy != RECIP_ARGS && (in->resent ? in->rresent.len : in->rhdr.len)) return 1 ;
  return 0 ;
}

int main (int argc, char const *const *argv)
{
  static char const *const userenv[] = { "QMAILUSER", "MAILUSER", "USER", "LOGNAME", 0 } ;
  static char const *const hostenv[] = { "QMAILHOST", "MAILHOST", 0 } ;
  static char const *const nameenv[] = { "QMAILNAME", "MAILNAME", "NAME", 0 } ;
  inject in = { .strategy = RECIP_DEFAULT, .queue = 1 } ;
  stralloc me = STRALLOC_ZERO ;
  char const *fopt = 0 ;
  struct timespec ts ;
  PROG = "berth-inject" ;
  berth_stdopts(argc, argv, USAGE) ;

  sig_ignore(SIGPIPE) ;
  berth_clock_read(&ts) ;
  in.now = ts.tv_sec ;
  in.usec = ts.tv_nsec / 1000 ;
  in.pid = getpid() ;
  flags(&in, getenv("QMAILINJECT")) ;
  in.mailhost = getenv2(hostenv) ;
  in.mailuser = getenv2(userenv) ;
  if (!in.mailuser) in.mailuser = "anonymous" ;
  in.mailname = getenv2(nameenv) ;
  in.mailruser = getenv("QMAILSUSER") ;
  if (!in.mailruser) in.mailruser = in.mailuser ;
  in.mailrhost = getenv("QMAILSHOST") ;
  if (!in.mailrhost) in.mailrhost = in.mailhost ;
  check("the user name (QMAILUSER, MAILUSER, USER, LOGNAME)", in.mailuser) ;
  check("the host name (QMAILHOST, MAILHOST)", in.mailhost) ;
  check("QMAILSUSER", in.mailruser) ;
  check("QMAILSHOST", in.mailrhost) ;

  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "aAhHnNf:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'a' : in.strategy = RECIP_ARGS ; break ;
        case 'A' : in.strategy = RECIP_DEFAULT ; break ;
        case 'h' : in.strategy = RECIP_HEADER ; break ;
        case 'H' : in.strategy = RECIP_BOTH ; break ;
        case 'n' : in.queue = 0 ; break ;
        case 'N' : in.queue = 1 ; break ;
        case 'f' : fopt = l.arg ; break ;
        default : strerr_dieusage(100, USAGE) ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (in.strategy == RECIP_DEFAULT) in.strategy = argc ? RECIP_ARGS : RECIP_HEADER ;

  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (control_readline(&me, "control/me", 0) < 0) strerr_diefu1sys(111, "read control/me") ;
  control(&in.defaultdomain, "control/defaultdomain", "QMAILDEFAULTDOMAIN", &me, "defaultdomain") ;
  control(&in.defaulthost, "control/defaulthost", "QMAILDEFAULTHOST", &me, "defaulthost") ;
  control(&in.plusdomain, "control/plusdomain", "QMAILPLUSDOMAIN", &me, "plusdomain") ;
  control(&in.idhost, "control/idhost", "QMAILIDHOST", &me, "idhost") ;
  stralloc_free(&me) ;

  if (fopt)
  {
    check("the -f sender", fopt) ;
    size_t n = strlen(fopt) ;
    if (n >= 2 && fopt[0] == '<' && fopt[n-1] == '>') { fopt++ ; n -= 2 ; }   /* -f '<>', -f '<a@b>' */
    if (!stralloc_copyb(&in.sender, fopt, n)) strerr_diefu1sys(111, "stralloc_copyb") ;
    addr_rewrite(&in, &in.sender, 0) ;
    if (!stralloc_0(&in.sender)) strerr_diefu1sys(111, "stralloc_0") ;
    in.flagsender = 1 ;
  }
  if (in.strategy != RECIP_HEADER) addr_args(&in, argv) ;

  header_read(&in, buffer_0) ;
  header_scan(&in) ;
  addr_sender(&in) ;

  if (!in.queue)
  {
    if (!output_header(&in, buffer_1) || !output_body(&in, buffer_0, buffer_1))
      strerr_diefu1sys(111, "write to stdout") ;
    _exit(0) ;
  }
  if (!has_recipients(&in)) strerr_dief1x(100, "no recipients") ;
  {
    char buf[BUFFER_OUTSIZE] ;
    buffer out ;
    int msgfd, envfd, errfd ;
    pid_t pid = qq_start(&msgfd, &envfd, &errfd) ;
    buffer_init(&out, &buffer_write, msgfd, buf, sizeof buf) ;
    /* a write error means qq went away early: its exit code says why */
    if (output_header(&in, &out)) output_body(&in, buffer_0, &out) ;
    fd_close(msgfd) ;
    qq_finish(&in, pid, envfd, errfd) ;
  }
}
