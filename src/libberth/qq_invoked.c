/* ISC license. */
/* How qmail's Received line says a queue writer was invoked (qcommit.h): "invoked from
   network" for the uid in control/uidsmtpd, "invoked for bounce" for control/uidsend,
   "invoked by alias" for control/uidalias, else 0 ("invoked by uid N"). berth-queue asks it for
   its caller, berth-qwriter for its peer. Trust: control/ is the admin's; the uid is the caller's
   real uid or the peer's SO_PEERCRED, never a claim. */

#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/qcommit.h>

static int is_uid_of (char const *file, uid_t uid)
{
  unsigned long u ;
  stralloc sa = STRALLOC_ZERO ;
  int r = control_readline(&sa, file, 0) ;
  r = r > 0 && ulong0_scan(sa.s, &u) && (uid_t)u == uid ;
  stralloc_free(&sa) ;
  return r ;
}

char const *qq_invoked (uid_t uid)
{
  if (is_uid_of("control/uidsmtpd", uid)) return "invoked from network" ;
  if (is_uid_of("control/uidsend", uid)) return "invoked for bounce" ;
  if (is_uid_of("control/uidalias", uid)) return "invoked by alias" ;
  return 0 ;
}
