/* ISC license. */
/* One log line per event on stderr: "berth-send: key=value ...", every value under berth's one
   log quoting rule (berth/logfield.h, doc/logging.md); a free text (a deliverer's reply) is the
   quoted form key="...", and comes last. Trust: values are anyone's (addresses, remote replies):
   nothing in them can end the line or forge a field. */

#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/logfield.h>
#include "send.h"

void log_start (void)
{
  buffer_puts(buffer_2, "berth-send:") ;
}

static void put (char const *key, char const *val, size_t len, int quoted)
{
  stralloc sa = STRALLOC_ZERO ;
  if (!(quoted ? logfield_catq : logfield_cat)(&sa, key, val, len)) strerr_diefu1sys(111, "build a log line") ;
  buffer_put(buffer_2, sa.s, sa.len) ;
  stralloc_free(&sa) ;
}

void log_keyb (char const *key, char const *val, size_t len)
{
  put(key, val, len, 0) ;
}

void log_keyq (char const *key, char const *val, size_t len)
{
  put(key, val, len, 1) ;
}

void log_key (char const *key, char const *val)
{
  log_keyb(key, val, strlen(val)) ;
}

void log_keyu (char const *key, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  size_t n = uint64_fmt(fmt, u) ;   /* fill first: argument order is unspecified */
  log_keyb(key, fmt, n) ;
}

size_t log_fmtdelay (char *fmt, uint64_t ms)
{
  size_t n = uint64_fmt(fmt, ms / 1000) ;
  fmt[n++] = '.' ;
  fmt[n++] = '0' + (ms / 100) % 10 ;
  fmt[n++] = '0' + (ms / 10) % 10 ;
  fmt[n++] = '0' + ms % 10 ;
  return n ;
}

void log_keydelay (char const *key, uint64_t ms)
{
  char fmt[LOG_DELAY_FMT] ;
  size_t n = log_fmtdelay(fmt, ms) ;
  log_keyb(key, fmt, n) ;
}

void log_end (void)
{
  buffer_putflush(buffer_2, "\n", 1) ;
}
