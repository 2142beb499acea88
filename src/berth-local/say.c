/* ISC license. */
/* qmail-local's reports: plain text on stdout, which the spawner relays. */

#include <stdarg.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include "local.h"

static void vsay (char const *s, va_list ap)
{
  for (; s ; s = va_arg(ap, char const *)) buffer_puts(buffer_1, s) ;
  buffer_putflush(buffer_1, "\n", 1) ;
}

void say (char const *s, ...)
{
  va_list ap ;
  va_start(ap, s) ;
  vsay(s, ap) ;
  va_end(ap) ;
}

void say_die (int e, ...)
{
  va_list ap ;
  va_start(ap, e) ;
  vsay(va_arg(ap, char const *), ap) ;
  va_end(ap) ;
  _exit(e) ;
}
