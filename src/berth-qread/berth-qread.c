/* ISC license. */
/* berth-qread: lists the queue (mailq, sendmail -bp): per message its id, age, size, sender,
   recipients and their state, hold, last error and next attempt; --json for scripts.
   Read-only, safe while berth-send runs. Trust: queue files (queue owner); every byte taken
   from them is masked (text) or escaped (JSON) before it reaches the terminal. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/home.h>
#include <berth/qtool.h>
#include "qread.h"

#define USAGE "berth-qread [ --json ]"

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

int main (int argc, char const *const *argv)
{
  stralloc ids = STRALLOC_ZERO ;
  genalloc list = GENALLOC_ZERO ;
  qtool_msg m = QTOOL_MSG_ZERO ;
  qr_totals tot = { .msgs = 0 } ;
  uint64_t now ;
  int json = 0 ;
  size_t n ;
  PROG = "berth-qread" ;
  if (argc > 2) strerr_dieusage(100, USAGE) ;
  if (argc == 2)
  {
    if (!strcmp(argv[1], "--json") || !strcmp(argv[1], "-j")) json = 1 ;
    else strerr_dieusage(100, USAGE) ;
  }
  if (chdir(berth_home()) < 0) strerr_diefu2sys(111, "chdir to ", berth_home()) ;
  if (qtool_ids(&ids, &list) < 0) strerr_diefu1sys(111, "list the queue (run me as the queue owner or root)") ;
  now = berth_clock_ms() ;
  n = genalloc_len(size_t, &list) ;
  if (json) qr_puts("[") ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char const *id = ids.s + genalloc_s(size_t, &list)[i] ;
    int r = qtool_read(&m, id) ;
    if (r < 0)
    {
      if (errno == EPROTO) { strerr_warnw3x("malformed queue files for ", id, ": skipped") ; continue ; }
      strerr_diefu2sys(111, "read message ", id) ;
    }
    if (!r) continue ;
    if (json) qr_json(&m, now, !tot.msgs) ;
    else qr_text(&m, now) ;
    qr_count(&m, &tot) ;
  }
  if (json) qr_puts("]\n") ;
  else if (!tot.msgs) qr_puts("queue empty\n") ;
  else
  {
    qr_putu(tot.msgs) ; qr_puts(tot.msgs == 1 ? " message\n" : " messages\n") ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return 0 ;
}
