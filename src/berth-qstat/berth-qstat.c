/* ISC license. */
/* berth-qstat: queue counts (qmail-qstat's job): messages, messages not yet preprocessed,
   recipients by state, held messages, the oldest message's age. Read-only, safe while
   berth-send runs. Trust: queue files (queue owner); only counts are printed. */

#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/home.h>
#include <berth/qtool.h>
#include <berth/stdopts.h>

#define USAGE "berth-qstat"

static void line (char const *label, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  fmt[uint64_fmt(fmt, u)] = 0 ;
  if (buffer_puts(buffer_1, label) < 0 || buffer_puts(buffer_1, fmt) < 0 || buffer_puts(buffer_1, "\n") < 0)
    strerr_diefu1sys(111, "write to stdout") ;
}

typedef struct counts_s counts ;
struct counts_s
{
  uint64_t msgs, todo, held, bounce, bad, plocal, premote, pnew, done, oldest ;
} ;

static void one (qtool_msg const *m, void *data)
{
  counts *k = data ;
  size_t nr ;
  qtool_rcpt const *r ;
  if (m->where == QTOOL_WHERE_BAD) { k->bad++ ; return ; }   /* not in the queue any more */
  k->msgs++ ;
  if (m->where == QTOOL_WHERE_TODO) k->todo++ ;
  if (m->held) k->held++ ;
  if (m->bounce) k->bounce++ ;
  if (m->birth && (!k->oldest || m->birth < k->oldest)) k->oldest = m->birth ;
  nr = genalloc_len(qtool_rcpt, &m->rcpts) ;
  r = genalloc_s(qtool_rcpt, &m->rcpts) ;
  for (size_t j = 0 ; j < nr ; j++)
    if (r[j].mark == 'D') k->done++ ;
    else if (r[j].chan == 'L') k->plocal++ ;
    else if (r[j].chan == 'R') k->premote++ ;
    else k->pnew++ ;
}

int main (int argc, char const *const *argv)
{
  counts k = { .msgs = 0 } ;
  uint64_t now ;
  PROG = "berth-qstat" ;
  berth_stdopts(argc, argv, USAGE) ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  now = berth_clock_ms() ;
  qtool_walk(&one, &k) ;
  line("messages in queue: ", k.msgs) ;
  line("messages in queue but not yet preprocessed: ", k.todo) ;
  line("recipients pending local: ", k.plocal) ;
  line("recipients pending remote: ", k.premote) ;
  line("recipients not yet preprocessed: ", k.pnew) ;
  line("recipients done: ", k.done) ;
  line("messages held: ", k.held) ;
  line("messages with a bounce pending: ", k.bounce) ;
  line("entries quarantined: ", k.bad) ;
  {
    char fmt[QTOOL_DUR_FMT] = "none" ;
    if (k.oldest) qtool_dur_fmt(fmt, now > k.oldest ? (now - k.oldest) / 1000 : 0) ;
    if (buffer_puts(buffer_1, "oldest message: ") < 0 || buffer_puts(buffer_1, fmt) < 0
     || buffer_putflush(buffer_1, "\n", 1) < 0) strerr_diefu1sys(111, "write to stdout") ;
  }
  return 0 ;
}
