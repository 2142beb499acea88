/* ISC license. */
/* sendmail: the sendmail(8) command line other programs expect, translated for berth as qmail's
   sendmail does for qmail-inject; also mailq and newaliases (chosen by argv[0]).
   Trust: run by any local user with that user's rights; it only execs berth's own programs. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/exec.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/home.h>
#include <berth/qtool.h>
#include <berth/queue.h>
#include <berth/stdopts.h>
#include "sendmail.h"

#define USAGE "sendmail [ -t ] [ -f sender | -r sender ] [ -F name ] [ -bm | -bp | -bs | -bi ] [ -q[time] ] [ -- ] [ recipient ... ]"
#define SYNOPSIS USAGE "\nmailq\nnewaliases"

#define MODE_DELIVER 'm'
#define MODE_LIST 'p'
#define MODE_SMTP 's'
#define MODE_ALIASES 'i'
#define MODE_QUEUE 'q'

typedef struct opts_s opts, *opts_ref ;
struct opts_s
{
  int mode ;
  int headers ;          /* -t */
  char const *sender ;   /* -f, -r */
  char const *name ;     /* -F */
} ;

static void die_usage (void) gccattr_noreturn ;
static void die_usage (void)
{
  strerr_dieusage(100, USAGE) ;
}

static void newaliases (void) gccattr_noreturn ;
static void newaliases (void)
{
  strerr_warni3x("berth has no aliases database: aliases are .qmail files in ", berth_home(),
    "/alias (.qmail-NAME); nothing to rebuild") ;
  _exit(0) ;
}

static void home (void)
{
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
}

static void mailq (void) gccattr_noreturn ;
static void mailq (void)
{
  stralloc sa = STRALLOC_ZERO ;
  if (selfdir_find(&sa, "berth-qread"))
  {
    char const *argv[2] = { sa.s, 0 } ;
    xexec(argv) ;
  }
  home() ;
  _exit(mailq_list()) ;
}

/* -q: wakes berth-send for new mail (the trigger fifo, anyone may), then retries the deferred
   mail now as berth-qctl retry -a does, when the caller may talk to berth-send (root or the
   queue's owner: the control fifo is theirs, mode 0600). Anyone else is told how: 100. */
static void flush (void) gccattr_noreturn ;
static void flush (void)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *argv[4] = { 0, "retry", "-a", 0 } ;
  int fd ;
  home() ;
  queue_trigger() ;
  fd = open(QUEUE_CTL, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno == ENXIO)
    {
      strerr_warnw1x("berth-send is not running: deferred mail is retried when it starts") ;
      _exit(0) ;
    }
    if (errno == EACCES || errno == EPERM)
      strerr_dief1x(100, "only root or the queue's owner may retry deferred mail now: berth-send retries it on its own schedule; an administrator runs sendmail -q or berth-qctl retry -a") ;
    strerr_diefu2sys(111, "open ", QUEUE_CTL) ;
  }
  fd_close(fd) ;
  if (!selfdir_find(&sa, "berth-qctl"))
  {
    sa.len = 0 ;
    if (!stralloc_cats(&sa, "berth-qctl") || !stralloc_0(&sa)) strerr_diefu1sys(111, "stralloc_cats") ;
  }
  argv[0] = sa.s ;
  xexec(argv) ;
}

static void smtpd (void) gccattr_noreturn ;
static void smtpd (void)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *argv[2] = { 0, 0 } ;
  if (!selfdir_find(&sa, "berth-smtpd")) strerr_dief1x(111, "berth-smtpd is not installed: -bs is not available") ;
  if (!getenv("PROTO"))
  {
    /* a local SMTP session: trusted as a relay client, like qmail's sendmail -bs */
    if (setenv("RELAYCLIENT", "", 1) < 0 || setenv("PROTO", "TCP", 1) < 0
     || setenv("TCPLOCALIP", "127.0.0.1", 1) < 0 || setenv("TCPLOCALHOST", "localhost", 1) < 0
     || setenv("TCPREMOTEIP", "127.0.0.1", 1) < 0 || setenv("TCPREMOTEHOST", "localhost", 1) < 0
     || setenv("TCPREMOTEINFO", "sendmail-bs", 1) < 0)
      strerr_diefu1sys(111, "setenv") ;
  }
  argv[0] = sa.s ;
  xexec(argv) ;
}

/* Returns the index of the first recipient. */
static int parse (int argc, char const *const *argv, opts *o)
{
  int i = 1 ;
  for (; i < argc ; i++)
  {
    char const *a = argv[i] ;
    if (a[0] != '-' || !a[1]) break ;
    if (!strcmp(a, "--")) return i + 1 ;
    for (size_t j = 1 ; a[j] ; j++)
    {
      char c = a[j] ;
      char const *arg ;
      switch (c)
      {
        case 't' : o->headers = 1 ; continue ;
        /* accepted and ignored, as qmail's sendmail does */
        case 'i' : case 'v' : case 'x' : case 'm' : case 'n' : case 'U' : case 'G' : continue ;
        case 'E' : case 'J' : goto next ;   /* optional argument in the same word */
        case 'q' : o->mode = MODE_QUEUE ; goto next ;   /* -q, -q15m, -qR...: wake the queue */
        case 'f' : case 'r' : case 'F' : case 'b' :
        case 'o' : case 'O' : case 'B' : case 'p' : case 'e' : case 'N' : case 'R' : case 'V' :
        case 'X' : case 'L' : case 'h' : case 'C' : case 'A' : case 'd' :
          if (a[j+1]) arg = a + j + 1 ;
          else if (++i < argc) arg = argv[i] ;
          else die_usage() ;
          break ;
        default : die_usage() ;
      }
      switch (c)
      {
        case 'f' : case 'r' : o->sender = arg ; break ;
        case 'F' : o->name = arg ; break ;
        case 'b' :
          switch (arg[0])
          {
            case 'm' : case 'p' : case 's' : case 'i' : if (!arg[1]) { o->mode = (unsigned char)arg[0] ; break ; } /* fall through */
            default : strerr_dief3x(100, "-b", arg, " is not supported") ;
          }
          break ;
        default : break ;
      }
      goto next ;
    }
   next: ;
  }
  return i ;
}

/* -f user@host also makes the default From: user@host (QMAILUSER, QMAILHOST), as qmail's does. */
static void sender_env (opts const *o)
{
  char const *s = o->sender ;
  char const *at ;
  if (!o->name) { unsetenv("QMAILNAME") ; unsetenv("MAILNAME") ; unsetenv("NAME") ; }
  unsetenv("MAILHOST") ;
  if (!*s || !strcmp(s, "<>")) return ;
  at = strrchr(s, '@') ;
  if (!at)
  {
    if (setenv("QMAILUSER", s, 1) < 0) strerr_diefu1sys(111, "setenv") ;
    unsetenv("QMAILHOST") ;
    return ;
  }
  {
    size_t n = at - s ;
    char user[n + 1] ;
    memcpy(user, s, n) ; user[n] = 0 ;
    if (setenv("QMAILUSER", user, 1) < 0 || setenv("QMAILHOST", at + 1, 1) < 0) strerr_diefu1sys(111, "setenv") ;
  }
}

int main (int argc, char const *const *argv)
{
  opts o = { .mode = MODE_DELIVER, .headers = 0, .sender = 0, .name = 0 } ;
  char const *base ;
  int first ;
  PROG = "sendmail" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  if (argc < 1) die_usage() ;
  base = strrchr(argv[0], '/') ;
  base = base ? base + 1 : argv[0] ;
  if (!strcmp(base, "newaliases")) newaliases() ;
  if (!strcmp(base, "mailq")) mailq() ;
  first = parse(argc, argv, &o) ;
  switch (o.mode)
  {
    case MODE_LIST : mailq() ;
    case MODE_SMTP : smtpd() ;
    case MODE_ALIASES : newaliases() ;
    case MODE_QUEUE : flush() ;
    default : break ;
  }
  {
    stralloc inj = STRALLOC_ZERO ;
    char const *nargv[argc - first + 7] ;
    unsigned int n = 0 ;
    if (!selfdir_find(&inj, "berth-inject"))
    {
      inj.len = 0 ;
      if (!stralloc_cats(&inj, "berth-inject") || !stralloc_0(&inj)) strerr_diefu1sys(111, "stralloc_cats") ;
    }
    if (o.name && setenv("QMAILNAME", o.name, 1) < 0) strerr_diefu1sys(111, "setenv") ;
    nargv[n++] = inj.s ;
    nargv[n++] = o.headers ? "-H" : "-a" ;
    if (o.sender)
    {
      sender_env(&o) ;
      nargv[n++] = "-f" ;
      nargv[n++] = o.sender ;
    }
    nargv[n++] = "--" ;
    for (int i = first ; i < argc ; i++) nargv[n++] = argv[i] ;
    nargv[n] = 0 ;
    xexec(nargv) ;
  }
}
