/* ISC license. */
/* berth-qstat: queue counts (qmail-qstat's job): messages, messages not yet preprocessed,
   recipients by state, held messages, the oldest message's age. Read-only, safe while
   berth-send runs. Trust: queue files (queue owner); only counts are printed. */

#include <errno.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/home.h>
#include <berth/qtool.h>

#define USAGE "berth-qstat"

static void line (char const *label, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  fmt[uint64_fmt(fmt, u)] = 0 ;
  if (buffer_puts(buffer_1, label) < 0 || buffer_puts(buffer_1, fmt) < 0 || buffer_puts(buffer_1, "\n") < 0)
    strerr_diefu1sys(111, "write to stdout") ;
}

int main (int argc, char const *const *argv)
{
  stralloc ids = STRALLOC_ZERO ;
  genalloc list = GENALLOC_ZERO ;
  qtool_msg m = QTOOL_MSG_ZERO ;
  uint64_t msgs = 0, todo = 0, held = 0, bounce = 0, bad = 0, plocal = 0, premote = 0, pnew = 0, done = 0, oldest = 0 ;
  uint64_t now ;
  size_t n ;
  PROG = "berth-qstat" ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (qtool_ids(&ids, &list) < 0) strerr_diefu1sys(111, "list the queue (run me as the queue owner or root)") ;
  now = berth_clock_ms() ;
  n = genalloc_len(size_t, &list) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char const *id = ids.s + genalloc_s(size_t, &list)[i] ;
    size_t nr ;
    qtool_rcpt const *r ;
    int x = qtool_read(&m, id) ;
    if (x < 0)
    {
      if (errno == EPROTO) { strerr_warnw3x("malformed queue files for ", id, ": skipped") ; continue ; }
      strerr_diefu2sys(111, "read message ", id) ;
    }
    if (!x) continue ;
    if (m.where == QTOOL_WHERE_BAD) { bad++ ; continue ; }   /* not in the queue any more */
    msgs++ ;
    if (m.where == QTOOL_WHERE_TODO) todo++ ;
    if (m.held) held++ ;
    if (m.bounce) bounce++ ;
    if (m.birth && (!oldest || m.birth < oldest)) oldest = m.birth ;
    nr = genalloc_len(qtool_rcpt, &m.rcpts) ;
    r = genalloc_s(qtool_rcpt, &m.rcpts) ;
    for (size_t j = 0 ; j < nr ; j++)
      if (r[j].mark == 'D') done++ ;
      else if (r[j].chan == 'L') plocal++ ;
      else if (r[j].chan == 'R') premote++ ;
      else pnew++ ;
  }
  line("messages in queue: ", msgs) ;
  line("messages in queue but not yet preprocessed: ", todo) ;
  line("recipients pending local: ", plocal) ;
  line("recipients pending remote: ", premote) ;
  line("recipients not yet preprocessed: ", pnew) ;
  line("recipients done: ", done) ;
  line("messages held: ", held) ;
  line("messages with a bounce pending: ", bounce) ;
  line("entries quarantined: ", bad) ;
  {
    char fmt[QTOOL_DUR_FMT] = "none" ;
    if (oldest) qtool_dur_fmt(fmt, now > oldest ? (now - oldest) / 1000 : 0) ;
    if (buffer_puts(buffer_1, "oldest message: ") < 0 || buffer_puts(buffer_1, fmt) < 0
     || buffer_putflush(buffer_1, "\n", 1) < 0) strerr_diefu1sys(111, "write to stdout") ;
  }
  return 0 ;
}
