/* ISC license. */
/* berth-local: qmail-local(8). Delivers the message on fd 0 (seekable) for one local address
   according to the user's .qmail files, running as that user (the spawner dropped root).
   Trust: argv comes from berth-lspawn; .qmail files are the user's; the message is untrusted.
   This code also runs inside berth-lspawn's kept children, job after job: read doc/guests.md
   before adding any state that is not in local_main's frame. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/sgetopt.h>
#include <skalibs/sig.h>
#include <skalibs/skamisc.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/addrquote.h>
#include <berth/clock.h>
#include "local.h"
#include "qme.h"

#define HEADER_BUFSIZE 8192
#define CTIME_FMT 64

typedef struct args_s args, *args_ref ;
struct args_s
{
  char const *user, *home, *local, *dash, *ext, *host, *sender, *dflt ;
} ;

static void nomem (void)
{
  local_say_die(LOCAL_TEMP, "Out of memory. (#4.3.0)", (char *)0) ;
}

static void usage (void)
{
  local_say_die(LOCAL_PERM, "berth-local: usage: ", LOCAL_USAGE, (char *)0) ;
}

/* A program's environment is built here, NAME=value\0 after another (prog.c adds PATH): never
   berth-local's own, which is its spawner's (doc/berth-local.md, "Environment given to programs") */
static void env_set (stralloc *env, char const *name, char const *value)
{
  if (!stralloc_cats(env, name) || !stralloc_catb(env, "=", 1) || !stralloc_cats(env, value) || !stralloc_0(env)) nomem() ;
}

static void checkhome (int doit)
{
  struct stat st ;
  if (stat(".", &st) < 0) local_say_die(LOCAL_TEMP, "Unable to stat home directory: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  if (st.st_mode & S_IWOTH) local_say_die(LOCAL_TEMP, "Uh-oh: home directory is writable. (#4.7.0)", (char *)0) ;
  if (st.st_mode & S_ISVTX)
  {
    if (doit) local_say_die(LOCAL_TEMP, "Home directory is sticky: user is editing his .qmail file. (#4.2.1)", (char *)0) ;
    local_say("Warning: home directory is sticky.", (char *)0) ;
  }
}

/* stralloc holding "<prefix><s with \n -> repl><suffix>", NUL-terminated (len excludes it). */
static void line_make (stralloc *sa, char const *prefix, char const *s, char const *suffix, char const *bad, char repl)
{
  size_t start ;
  if (!stralloc_copys(sa, prefix)) nomem() ;
  start = sa->len ;
  if (!stralloc_cats(sa, s)) nomem() ;
  for (size_t i = start ; i < sa->len ; i++) if (strchr(bad, sa->s[i])) sa->s[i] = repl ;
  if (!stralloc_cats(sa, suffix) || !stralloc_0(sa)) nomem() ;
  sa->len-- ;
}

/* qmail's bouncexf: the same Delivered-To line already in the header is a loop. */
static void check_loop (stralloc const *dt)
{
  char buf[HEADER_BUFSIZE] ;
  buffer in = BUFFER_INIT(&buffer_read, 0, buf, sizeof buf) ;
  stralloc line = STRALLOC_ZERO ;
  local_mess_rewind() ;
  for (;;)
  {
    int r ;
    line.len = 0 ;
    r = skagetln(&in, &line, '\n') ;
    if (r < 0 && errno != EPIPE) local_say_die(LOCAL_TEMP, "Unable to read message: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
    if (r <= 0 || line.len <= 1) break ;
    if (line.len == dt->len && !memcmp(line.s, dt->s, dt->len))
      local_say_die(LOCAL_PERM, "This message is looping: it already has my Delivered-To line. (#5.4.6)", (char *)0) ;
  }
  stralloc_free(&line) ;
}

static void env_ext (stralloc *env, char const *ext)
{
  static char const *const names[4] = { "EXT", "EXT2", "EXT3", "EXT4" } ;
  char const *x = ext ;
  for (unsigned int i = 0 ; i < 4 ; i++)
  {
    env_set(env, names[i], x) ;
    x += strcspn(x, "-") ;
    if (*x) x++ ;
  }
}

static void env_host (stralloc *env, char const *host)
{
  static char const *const names[3] = { "HOST2", "HOST3", "HOST4" } ;
  size_t len = strlen(host) ;
  char tmp[len + 1] ;
  memcpy(tmp, host, len + 1) ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    char *dot = strrchr(tmp, '.') ;
    if (dot) *dot = 0 ;
    env_set(env, names[i], tmp) ;
  }
}

/* The forwarding sender: local-owner@host when .qmail-ext-owner exists, VERP with -owner-default. */
static void newsender (stralloc *ueo, args const *a, stralloc const *safe)
{
  if (!stralloc_copys(ueo, a->sender)) nomem() ;
  if (a->sender[0] && strcmp(a->sender, "#@[]") && local_qme_exists(a->dash, safe, "-owner"))
  {
    int verp = local_qme_exists(a->dash, safe, "-owner-default") ;
    if (!stralloc_copys(ueo, a->local) || !stralloc_cats(ueo, verp ? "-owner-@" : "-owner@")
     || !stralloc_cats(ueo, a->host) || (verp && !stralloc_cats(ueo, "-@[]"))) nomem() ;
  }
  if (!stralloc_0(ueo)) nomem() ;
}

/* asctime(3)'s form in UTC, for the mbox From_ line. Not strftime: it reads the time zone
   (/etc/localtime, seven system calls) in every delivery, for a UTC date. */
static void ctime_fmt (char *s, time_t t)
{
  static char const days[] = "SunMonTueWedThuFriSat" ;
  static char const months[] = "JanFebMarAprMayJunJulAugSepOctNovDec" ;
  struct tm tm ;
  if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) { strcpy(s, "Thu Jan  1 00:00:00 1970\n") ; return ; }
  snprintf(s, CTIME_FMT, "%.3s %.3s %2d %02d:%02d:%02d %d\n", days + 3 * tm.tm_wday, months + 3 * tm.tm_mon,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900) ;
}

static void count_print (unsigned long f, unsigned long fw, unsigned long p, unsigned long qp)
{
  char a[ULONG_FMT], b[ULONG_FMT], c[ULONG_FMT], d[ULONG_FMT] ;
  a[ulong_fmt(a, f)] = 0 ; b[ulong_fmt(b, fw)] = 0 ; c[ulong_fmt(c, p)] = 0 ;
  local_say("did ", a, "+", b, "+", c, (char *)0) ;
  if (qp) { d[ulong_fmt(d, qp)] = 0 ; local_say("qp ", d, (char *)0) ; }
}

int local_main (int argc, char const *const *argv)
{
  stralloc dt = STRALLOC_ZERO, rp = STRALLOC_ZERO, uf = STRALLOC_ZERO, safe = STRALLOC_ZERO ;
  stralloc ueo = STRALLOC_ZERO, cmds = STRALLOC_ZERO, fwd = STRALLOC_ZERO, tmp = STRALLOC_ZERO ;
  stralloc penv = STRALLOC_ZERO ;
  char ct[CTIME_FMT] ;
  unsigned long nfile = 0, nforward = 0, nprog = 0, qp = 0 ;
  lines l ;
  qme q ;
  args a ;
  int doit = 1, forwardonly ;
  PROG = "berth-local" ;
  {
    subgetopt o = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "nN", &o) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'n' : doit = 0 ; break ;
        case 'N' : doit = 1 ; break ;
        default : usage() ;
      }
    }
    argc -= o.ind ; argv += o.ind ;
  }
  if (argc != 8) usage() ;
  local_mess_init() ;
  a.user = argv[0] ; a.home = argv[1] ; a.local = argv[2] ; a.dash = argv[3] ;
  a.ext = argv[4] ; a.host = argv[5] ; a.sender = argv[6] ; a.dflt = argv[7] ;
  if (a.home[0] != '/') usage() ;
  umask(077) ;
  sig_ignore(SIGPIPE) ;
  if (chdir(a.home) < 0) local_say_die(LOCAL_TEMP, "Unable to switch to ", a.home, ": ", strerror(errno), ". (#4.3.0)", (char *)0) ;
  checkhome(doit) ;

  {  /* the instance's home, as qmail's is compiled in: a program's own injection (|sendmail)
        reaches this instance, not the compiled default's */
    char const *h = getenv("BERTH_HOME") ;
    if (h && *h) env_set(&penv, "BERTH_HOME", h) ;
  }
  env_set(&penv, "HOST", a.host) ; env_set(&penv, "HOME", a.home) ; env_set(&penv, "USER", a.user) ; env_set(&penv, "LOCAL", a.local) ;
  line_make(&tmp, a.local, "@", "", "", 0) ;
  if (!stralloc_cats(&tmp, a.host) || !stralloc_0(&tmp)) nomem() ;
  env_set(&penv, "RECIPIENT", tmp.s) ;
  line_make(&dt, "Delivered-To: ", tmp.s, "\n", "\n", '_') ;
  env_set(&penv, "DTLINE", dt.s) ;
  if (doit) check_loop(&dt) ;
  env_set(&penv, "SENDER", a.sender) ;
  tmp.len = 0 ;
  if (!addr_quote(&tmp, a.sender) || !stralloc_0(&tmp)) nomem() ;
  line_make(&rp, "Return-Path: <", tmp.s, ">\n", "\n", '_') ;
  env_set(&penv, "RPLINE", rp.s) ;
  ctime_fmt(ct, berth_clock_ms() / 1000) ;
  line_make(&uf, "From ", a.sender[0] ? a.sender : "MAILER-DAEMON", " ", " \t\n", '-') ;
  if (!stralloc_cats(&uf, ct) || !stralloc_0(&uf)) nomem() ;
  uf.len-- ;
  env_set(&penv, "UFLINE", uf.s) ;
  env_ext(&penv, a.ext) ;
  env_host(&penv, a.host) ;
  local_safeext_make(&safe, a.ext) ;

  if (local_qmesearch(&q, a.dash, a.ext, &safe))
  {
    if (q.dflt) env_set(&penv, "DEFAULT", q.dflt) ;
  }
  else
  {
    if (a.dash[0]) local_say_die(LOCAL_PERM, "Sorry, no mailbox here by that name. (#5.1.1)", (char *)0) ;
  }
  forwardonly = q.cutable ;
  newsender(&ueo, &a, &safe) ;
  env_set(&penv, "NEWSENDER", ueo.s) ;

  if (q.fd >= 0)
  {
    if (!slurp(&cmds, q.fd)) local_say_die(LOCAL_TEMP, "Unable to read .qmail file: ", strerror(errno), ". (#4.3.0)", (char *)0) ;
    close(q.fd) ;
  }
  if (!cmds.len)
  {
    if (!stralloc_copys(&cmds, a.dflt)) nomem() ;
    forwardonly = 0 ;
  }
  if (!cmds.len || cmds.s[cmds.len - 1] != '\n')
    if (!stralloc_catb(&cmds, "\n", 1)) nomem() ;

  l.dt = dt.s ; l.dtlen = dt.len ; l.rp = rp.s ; l.rplen = rp.len ; l.uf = uf.s ; l.uflen = uf.len ;
  for (size_t i = 0, j = 0 ; j < cmds.len ; j++)
  {
    char *arg ;
    int skip = 0 ;
    unsigned int kind ;
    if (cmds.s[j] != '\n') continue ;
    kind = local_qmail_line(cmds.s + i, j - i, &arg) ;
    switch (kind)
    {
      case QML_BLANK :
        if (!i) local_say_die(LOCAL_TEMP, "Uh-oh: first line of .qmail file is blank. (#4.2.1)", (char *)0) ;
        break ;
      case QML_COMMENT :
      case QML_IGNORE : break ;
      case QML_MBOX :
      case QML_MAILDIR :
        nfile++ ;
        if (forwardonly) local_say_die(LOCAL_TEMP, "Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)", (char *)0) ;
        if (kind == QML_MAILDIR)
        {
          if (doit) local_deliver_maildir(arg, &l, (unsigned int)nfile) ; else local_say("maildir ", arg, (char *)0) ;
        }
        else if (doit) local_deliver_mbox(arg, &l) ; else local_say("mbox ", arg, (char *)0) ;
        break ;
      case QML_PROG :
        nprog++ ;
        if (forwardonly) local_say_die(LOCAL_TEMP, "Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)", (char *)0) ;
        if (doit) skip = local_deliver_prog(arg, &penv) ; else local_say("program ", arg, (char *)0) ;
        break ;
      case QML_LIST : forwardonly = 1 ; break ;
      default :
        nforward++ ;
        if (doit) { if (!stralloc_catb(&fwd, arg, strlen(arg) + 1)) nomem() ; }
        else local_say("forward ", arg, (char *)0) ;
        break ;
    }
    i = j + 1 ;
    if (skip) break ;
  }
  if (fwd.len && doit) local_deliver_forward(ueo.s, fwd.s, fwd.len, nforward, &l, &qp) ;
  count_print(nfile, nforward, nprog, qp) ;
  /* freed: berth-lspawn may keep this process for another delivery (serve.c) */
  stralloc_free(&dt) ; stralloc_free(&rp) ; stralloc_free(&uf) ; stralloc_free(&safe) ;
  stralloc_free(&ueo) ; stralloc_free(&cmds) ; stralloc_free(&fwd) ; stralloc_free(&tmp) ;
  stralloc_free(&penv) ;
  return 0 ;
}
