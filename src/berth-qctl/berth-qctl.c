/* ISC license. */
/* berth-qctl: acts on queued messages through berth-send's control fifo (retry, hold, release,
   delete, bounce, requeue), by id or by sender/recipient/domain (selected by reading the queue).
   Never changes a queue file itself: berth-send applies every command.
   Trust: run by the queue owner or root; berth-send's replies. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/sgetopt.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/types.h>
#include <berth/home.h>
#include <berth/qtool.h>
#include <berth/stdopts.h>
#include "qctl.h"

#define USAGE "berth-qctl retry|hold|release|delete|bounce|requeue [ -n ] [ -o ] [ -t secs ] { id... | -a | [ -f sender ] [ -r rcpt ] [ -d domain ] }"
#define SYNOPSIS "berth-qctl VERB [ -n ] [ -o ] [ -t secs ] id...\nberth-qctl VERB [ -n ] [ -o ] [ -t secs ] -a\nberth-qctl VERB [ -n ] [ -o ] [ -t secs ] [ -f sender ] [ -r recipient ] [ -d domain ]\nVERB: retry | hold | release | delete | bounce | requeue"
#define dieusage() strerr_dieusage(100, USAGE)
#define REPLY_SECS 10      /* for one reply */
#define BUSY_PAUSE_MS 250  /* between two tries of a busy delete/bounce */

static void out (char const *a, char const *b, char const *c)
{
  if (buffer_puts(buffer_1, a) < 0 || buffer_puts(buffer_1, b) < 0 || buffer_puts(buffer_1, c) < 0
   || !buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
}

static void pause_ms (int ms)
{
  tain d, tto ;
  tain_now_g() ;
  tain_from_millisecs(&tto, ms) ;
  tain_add_g(&d, &tto) ;
  deepsleepuntil_g(&d) ;
}

int main (int argc, char const *const *argv)
{
  sel s = { .from = 0, .rcpt = 0, .domain = 0, .all = 0 } ;
  stralloc ids = STRALLOC_ZERO ;
  talk t = { .cfd = -1, .rfd = -1, .in = STRALLOC_ZERO } ;
  unsigned int busysecs = 120 ;
  int dry = 0, off = 0, e = 0 ;
  char const *verb ;
  PROG = "berth-qctl" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  tain_now_set_stopwatch_g() ;   /* the one clock of deadlines (berth/clock.h) */
  if (argc < 2) dieusage() ;
  verb = argv[1] ;
  if (strcmp(verb, "retry") && strcmp(verb, "hold") && strcmp(verb, "release") && strcmp(verb, "delete") && strcmp(verb, "bounce")
   && strcmp(verb, "requeue"))
    dieusage() ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc - 1, argv + 1, "noat:f:r:d:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'n' : dry = 1 ; break ;
        case 'o' : off = 1 ; break ;
        case 'a' : s.all = 1 ; break ;
        case 't' : if (!uint0_scan(l.arg, &busysecs)) dieusage() ; break ;
        case 'f' : s.from = l.arg ; break ;
        case 'r' : s.rcpt = l.arg ; break ;
        case 'd' : s.domain = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= 1 + l.ind ; argv += 1 + l.ind ;
  }
  if (!!argc + !!(s.all || s.from || s.rcpt || s.domain) != 1) dieusage() ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (argc)
    for (int i = 0 ; i < argc ; i++)
    { if (!stralloc_cats(&ids, argv[i]) || !stralloc_0(&ids)) strerr_diefu1sys(111, "allocate") ; }
  else select_ids(&s, &ids) ;
  if (!ids.len) { strerr_warnw1x("no message matches") ; return 0 ; }
  if (dry)
  {
    for (size_t i = 0 ; i < ids.len ; i += strlen(ids.s + i) + 1) out(ids.s + i, "", "\n") ;
    return 0 ;
  }
  if (off)
  {
    offline_lock() ;
    for (size_t i = 0 ; i < ids.len ; i += strlen(ids.s + i) + 1)
    {
      char const *text ;
      char const *w = offline_one(verb, ids.s + i, &text) ;
      out(ids.s + i, ": ", w) ; out(" ", text, "\n") ;
      if (!strcmp(w, QTOOL_REPLY_NOMSG)) { if (!e) e = 100 ; }
      else if (strcmp(w, QTOOL_REPLY_OK)) e = 111 ;
    }
    return e ;
  }
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;   /* EPIPE: berth-send went away */
  talk_open(&t) ;
  for (size_t i = 0 ; i < ids.len ; i += strlen(ids.s + i) + 1)
  {
    char const *id = ids.s + i ;
    tain giveup ;
    tain_now_g() ;
    tain_addsec_g(&giveup, busysecs) ;
    for (;;)
    {
      size_t w = talk_one(&t, verb, id, REPLY_SECS) ;
      if (!w) { out(id, ": ", "timeout: no reply from berth-send\n") ; e = 111 ; break ; }
      if (w == sizeof(QTOOL_REPLY_BUSY) - 1 && !strncmp(t.in.s, QTOOL_REPLY_BUSY, w))
      {
        tain_now_g() ;
        if (tain_less(&giveup, &STAMP)) { out(id, ": ", t.in.s) ; out("", "", "\n") ; e = 111 ; break ; }
        pause_ms(BUSY_PAUSE_MS) ;
        continue ;
      }
      out(id, ": ", t.in.s) ; out("", "", "\n") ;
      if (w == sizeof(QTOOL_REPLY_NOMSG) - 1 && !strncmp(t.in.s, QTOOL_REPLY_NOMSG, w)) { if (!e) e = 100 ; }
      else if (w != sizeof(QTOOL_REPLY_OK) - 1 || strncmp(t.in.s, QTOOL_REPLY_OK, w)) e = 111 ;
      break ;
    }
  }
  talk_close(&t) ;
  return e ;
}
