/* ISC license. */
/* berth-qread: lists the queue (mailq, sendmail -bp): per message its id, age, size, sender,
   recipients and their state, hold, last error and next attempt; --json for scripts.
   Read-only, safe while berth-send runs. Trust: queue files (queue owner); every byte taken
   from them is masked (text) or escaped (JSON) before it reaches the terminal.
   In a multi-user instance it is set-uid to the queue's owner (berth-setup, as berth-queue), so
   that mailq works for everyone: run by another user than root or the queue's owner, it lists
   only the messages that user queued (the envelope's u record: qtool_uid), never another's.
   Set-uid, the instance is berth_home_chdir's (never $BERTH_HOME), and argv is --json at most. */

#include <string.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/home.h>
#include <berth/qtool.h>
#include <berth/stdopts.h>
#include "qread.h"

#define USAGE "berth-qread [ --json | -d ]"
#define SYNOPSIS "berth-qread            # text\nberth-qread --json     # one JSON document (also -j)\nberth-qread -d         # berth-send's destinations: windows, those marked down (also --destinations)"

static void put (char const *s, size_t len)
{
  if (buffer_put(buffer_1, s, len) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

void qr_puts (char const *s) { put(s, strlen(s)) ; }

void qr_putu (uint64_t u)
{
  char fmt[UINT64_FMT] ;
  put(fmt, uint64_fmt(fmt, u)) ;
}

/* bytes from the queue: control characters and bytes that are not valid UTF-8 become '?' */
void qr_safe (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; )
  {
    size_t n = qtool_utf8_len((unsigned char const *)s + i, len - i) ;
    if (n > 1) put(s + i, n) ;
    else
    {
      char c = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ? '?' : s[i] ;
      put(&c, 1) ;
      n = 1 ;
    }
    i += n ;
  }
}

void qr_dur (uint64_t seconds)
{
  char fmt[QTOOL_DUR_FMT] ;
  put(fmt, qtool_dur_fmt(fmt, seconds)) ;
}

typedef struct listing_s listing ;
struct listing_s
{
  qr_totals tot ;
  uint64_t now ;
  int json ;
  int only ;      /* set-uid, run by an ordinary user: only the messages of uid */
  uint64_t uid ;
  stralloc down ; /* the destinations marked down (dests.c) */
} ;

static void one (qtool_msg const *m, void *data)
{
  listing *l = data ;
  if (l->only)
  {
    uint64_t u ;
    if (!qtool_uid(m->id, &u) || u != l->uid) return ;
  }
  if (l->json) qr_json(m, l->now, !l->tot.msgs) ;
  else qr_text(m, l->now, &l->down) ;
  qr_count(m, &l->tot) ;
}

int main (int argc, char const *const *argv)
{
  listing l = { .tot = { .msgs = 0 }, .json = 0, .only = 0, .uid = 0, .down = STRALLOC_ZERO } ;
  int dests = 0 ;
  uid_t r = getuid() ;
  PROG = "berth-qread" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  if (argc > 2) strerr_dieusage(100, USAGE) ;
  if (argc == 2)
  {
    if (!strcmp(argv[1], "--json") || !strcmp(argv[1], "-j")) l.json = 1 ;
    else if (!strcmp(argv[1], "--destinations") || !strcmp(argv[1], "-d")) dests = 1 ;
    else strerr_dieusage(100, USAGE) ;
  }
  if (berth_home_chdir() < 0) strerr_diefu1sys(111, "chdir to the instance home") ;
  if (r != geteuid() && r) { l.only = 1 ; l.uid = r ; }
  if (dests)
  {  /* the destinations name other users' recipients' domains */
    if (l.only) strerr_dief1x(100, "only root or the queue's owner may list the destinations") ;
    qr_dests_print() ;
    if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
    return 0 ;
  }
  if (!l.json && !l.only) qr_dests_down(&l.down) ;
  l.now = berth_clock_ms() ;
  if (l.json) qr_puts("[") ;
  qtool_walk(&one, &l) ;
  if (l.json) qr_puts("]\n") ;
  else if (!l.tot.msgs) qr_puts(l.only ? "no message of yours in the queue\n" : "queue empty\n") ;
  else
  {
    qr_putu(l.tot.msgs) ; qr_puts(l.tot.msgs == 1 ? " message" : " messages") ;
    qr_puts(l.only ? " of yours (others' are not shown)\n" : "\n") ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return 0 ;
}
