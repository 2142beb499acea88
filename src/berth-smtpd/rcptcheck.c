/* ISC license. */
/* The recipient check (control/rcptcheck): a local address that local delivery would bounce is
   refused at RCPT with 550 5.1.1, so that no bounce goes to a forged sender. The address is
   classified as berth-send does (locals, virtualdomains: libberth's rewrite_rcpt), then looked
   up in the recipients map (users/recipients.cdb, libberth's rcptmap_check), built as root by
   berth-newu, berth-reload or berth-setup. A map that is missing, corrupt or older than what it
   came from never refuses: the address is accepted and the line logged (doc/control.md).
   Trust: the address is the peer's (already parsed); the map and control files the admin's. */

#include <errno.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <berth/rcptmap.h>
#include <berth/rewrite.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

#define STATUS_UNCHECKED "unchecked"

int smtpd_rcptcheck (smtpd *s, char const *addr, size_t len)
{
  stralloc out = STRALLOC_ZERO ;
  char a[len + 1] ;
  char const *at ;
  char const *why = 0 ;
  int r ;
  if (!s->rcptcheck) return 1 ;
  memcpy(a, addr, len) ; a[len] = 0 ;
  r = rewrite_rcpt(&out, a, &s->rw) ;
  if (!r) smtpd_drop(s, RP_NOMEM, "nomem") ;
  if (r != REWRITE_LOCAL) { stralloc_free(&out) ; return 1 ; }
  if (s->mapwhy) why = s->mapwhy ;
  else
  {
    at = strrchr(out.s, '@') ;
    r = rcptmap_check(&s->rmap, out.s, at ? (size_t)(at - out.s) : out.len) ;
    if (r < 0 && errno != EPROTO) smtpd_drop(s, RP_NOMEM, "nomem") ;
    switch (r)
    {
      case RCPTMAP_YES : break ;
      case RCPTMAP_STALE : why = "rcptmap-stale" ; break ;
      case RCPTMAP_NO :
        smtpd_reply(s, RP_NO_MAILBOX) ;
        smtpd_log_rcpt(s, "refused", addr, len, "no-mailbox") ;
        stralloc_free(&out) ;
        return 0 ;
      default : why = "rcptmap-corrupt" ; break ;
    }
  }
  if (why) smtpd_log_rcpt(s, STATUS_UNCHECKED, addr, len, why) ;
  stralloc_free(&out) ;
  return 1 ;
}
