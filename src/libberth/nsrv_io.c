/* ISC license. */

#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/netstring.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/unix-timed.h>
#include <berth/logfield.h>
#include <berth/nsrv.h>

void nsrv_deadline (nsrv const *s, tain *d)
{
  tain_add_g(d, &s->timeout) ;
  if (tain_less(&s->sessionend, d)) *d = s->sessionend ;
}

int nsrv_put (nsrv *s, char const *text, size_t len)
{
  return netstring_putba(&s->out, text, len) ;
}

int nsrv_flush (nsrv *s)
{
  tain d ;
  nsrv_deadline(s, &d) ;
  return bufalloc_timed_flush_g(&s->out, &d) ;
}

void nsrv_logcat (stralloc *sa, char const *key, char const *val, size_t len)
{
  logfield_cat(sa, key, val, len > NSRV_LOGFIELD_MAX ? NSRV_LOGFIELD_MAX : len) ;
}

void nsrv_logstart (nsrv const *s, stralloc *sa, char const *status, char const *from, size_t fromlen)
{
  nsrv_logcat(sa, "ip", s->remoteip, strlen(s->remoteip)) ;
  nsrv_logcat(sa, "status", status, strlen(status)) ;
  nsrv_logcat(sa, "from", from ? from : "", from ? fromlen : 0) ;
}

void nsrv_log (stralloc *sa)
{
  if (!stralloc_catb(sa, "\n", 1)) return ;
  buffer_puts(buffer_2, PROG) ;
  buffer_puts(buffer_2, ": event=tx") ;
  buffer_putflush(buffer_2, sa->s, sa->len) ;
}
