/* ISC license. */
/* qmail-local's reports: plain text on stdout, which the spawner relays. */

#include <errno.h>
#include <stdarg.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include "local.h"

/* clang's analyzer (14) reports va_arg on an "uninitialized va_list" here in some clang-tidy
   runs (not in others, same flags): a false positive, every caller's ap comes from va_start. */
static void vsay (char const *s, va_list ap)
{
  /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
  for (; s ; s = va_arg(ap, char const *)) buffer_puts(buffer_1, s) ;
  buffer_putflush(buffer_1, "\n", 1) ;
}

void local_say (char const *s, ...)
{
  va_list ap ;
  va_start(ap, s) ;
  vsay(s, ap) ;
  va_end(ap) ;
}

void local_say_die (int e, ...)
{
  va_list ap ;
  char const *s ;
  va_start(ap, e) ;
  s = va_arg(ap, char const *) ;  /* before the call: its arguments are evaluated in no set order */
  vsay(s, ap) ;
  va_end(ap) ;
  _exit(e) ;
}

char const *local_errcode (int e)
{
  return e == EDQUOT ? "(#4.2.2)" : e == ENOSPC ? "(#4.3.1)" : "(#4.3.0)" ;
}
