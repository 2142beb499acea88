/* ISC license. */
/* The Received line berth-smtpd adds (RFC 5321 4.4), and the transaction id it carries.
   The queue id exists only after berth-queue commits, so the header names berth-smtpd's own
   id; the 250 reply and the log line carry both, which ties them together.
   `with` follows RFC 3848 / 6531 (ESMTPS, ESMTPA, ESMTPSA, UTF8SMTPS...).
   Trust: HELO, TCPREMOTEHOST and TCPREMOTEINFO are reduced to safe bytes; addresses were
   checked by the parser (no control characters). */

#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/date822.h>
#include <berth/queue.h>
#include <berth/rcvd.h>
#include <berth/smtpd.h>

void smtpd_sid (smtpd *s)
{
  struct timespec ts ;
  size_t n ;
  berth_clock_read(&ts) ;
  s->sid[0] = 's' ;
  n = 1 + queue_id_fmt(s->sid + 1, (uint64_t)ts.tv_sec, (unsigned long)(ts.tv_nsec / 1000), (unsigned long)getpid()) ;
  s->sid[n++] = '.' ;
  s->sid[n + uint_fmt(s->sid + n, s->ntx)] = 0 ;
}

int smtpd_received (smtpd const *s, stralloc *sa)
{
  char date[DATE822_FMT] ;
  char const *with = smtpd_proto(s) ;
  int ok = 1 ;
  sa->len = 0 ;
  ok = ok && stralloc_cats(sa, "Received: from ") && rcvd_safe(sa, s->helo.s, s->helo.len) && stralloc_cats(sa, " (") ;
  if (s->remoteinfo) ok = ok && rcvd_safe(sa, s->remoteinfo, strlen(s->remoteinfo)) && stralloc_cats(sa, "@") ;
  ok = ok && (s->remotehost ? rcvd_safe(sa, s->remotehost, strlen(s->remotehost)) : stralloc_cats(sa, "unknown")) ;
  ok = ok && stralloc_cats(sa, " [") && rcvd_safe(sa, s->remoteip, strlen(s->remoteip))
    && stralloc_cats(sa, "])\n\tby ")
    && (s->localhost ? rcvd_safe(sa, s->localhost, strlen(s->localhost)) : rcvd_safe(sa, s->me.s, s->me.len))
    && stralloc_cats(sa, " (berth-smtpd) with ") && stralloc_cats(sa, with) ;
  if (s->tls)   /* RFC 3848: the protocol, and the TLS version and suite as a comment */
    ok = ok && stralloc_cats(sa, " (") && stralloc_cats(sa, s->tlsproto) && stralloc_catb(sa, " ", 1)
      && stralloc_cats(sa, s->tlscipher) && stralloc_catb(sa, ")", 1) ;
  ok = ok && stralloc_cats(sa, " id ") && stralloc_cats(sa, s->sid) ;
  if (s->nrcpt == 1) ok = ok && stralloc_cats(sa, "\n\tfor <") && stralloc_cats(sa, s->rcpts.s) && stralloc_cats(sa, ">") ;
  return ok && stralloc_cats(sa, "; ") && stralloc_catb(sa, date, date822_fmt(date, berth_clock_ms() / 1000)) && stralloc_catb(sa, "\n", 1) ;
}
