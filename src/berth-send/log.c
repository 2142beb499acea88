/* ISC license. */
/* One log line per event on stderr: "berth-send: key=value ...". Values are sanitised: bytes
   below 0x21 and from 0x7f up become '?'; spaces are kept only in the free-text field (text=),
   which callers put last. */

#include <skalibs/buffer.h>
#include <skalibs/types.h>
#include "send.h"

void log_start (void)
{
  buffer_puts(buffer_2, "berth-send:") ;
}

void log_keyb (char const *key, char const *val, size_t len)
{
  char buf[256] ;
  size_t n = 0 ;
  unsigned char lo = key[0] == 't' && key[1] == 'e' && key[2] == 'x' && key[3] == 't' && !key[4] ? 0x20 : 0x21 ;
  buffer_puts(buffer_2, " ") ;
  buffer_puts(buffer_2, key) ;
  buffer_puts(buffer_2, "=") ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char ch = val[i] ;
    buf[n++] = (ch < lo || ch >= 0x7f) ? '?' : ch ;
    if (n == sizeof buf) { buffer_put(buffer_2, buf, n) ; n = 0 ; }
  }
  buffer_put(buffer_2, buf, n) ;
}

void log_key (char const *key, char const *val)
{
  size_t len = 0 ;
  while (val[len]) len++ ;
  log_keyb(key, val, len) ;
}

void log_keyu (char const *key, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  size_t n = uint64_fmt(fmt, u) ;   /* fill first: argument order is unspecified */
  log_keyb(key, fmt, n) ;
}

void log_keydelay (char const *key, uint64_t ms)
{
  char fmt[UINT64_FMT + 4] ;
  size_t n = uint64_fmt(fmt, ms / 1000) ;
  fmt[n++] = '.' ;
  fmt[n++] = '0' + (ms / 100) % 10 ;
  fmt[n++] = '0' + (ms / 10) % 10 ;
  fmt[n++] = '0' + ms % 10 ;
  log_keyb(key, fmt, n) ;
}

void log_end (void)
{
  buffer_putflush(buffer_2, "\n", 1) ;
}
