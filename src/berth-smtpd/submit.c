/* ISC license. */
/* Submission (RFC 6409 8.2, 8.3): an authenticated client's message gets Date: and
   Message-ID: when its header block lacks them. Relayed or unauthenticated mail is never
   touched. data.c finds the field names while streaming; this file names and writes them.
   Trust: the message is the client's; only field names are compared. */

#include <string.h>
#include <time.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <berth/clock.h>
#include <berth/date822.h>
#include <berth/smtpd.h>

#define F_DATE "date"
#define F_MSGID "message-id"

unsigned int smtpd_submit_field (char const *name, size_t len)
{
  if (len == sizeof(F_DATE) - 1 && !case_diffb(name, len, F_DATE)) return SUBMIT_HAVE_DATE ;
  if (len == sizeof(F_MSGID) - 1 && !case_diffb(name, len, F_MSGID)) return SUBMIT_HAVE_MSGID ;
  return 0 ;
}

/* The missing lines, LF-terminated, in sa (emptied first). Message-ID: <sid@me>, the sid
   being unique (time, pid, transaction number). */
int smtpd_submit_headers (smtpd const *s, unsigned int have, stralloc *sa)
{
  sa->len = 0 ;
  if (!(have & SUBMIT_HAVE_DATE))
  {
    char date[DATE822_FMT] ;
    if (!stralloc_cats(sa, "Date: ") || !stralloc_catb(sa, date, date822_fmt(date, berth_clock_ms() / 1000))
     || !stralloc_catb(sa, "\n", 1)) return 0 ;
  }
  if (!(have & SUBMIT_HAVE_MSGID))
  {
    if (!stralloc_cats(sa, "Message-ID: <") || !stralloc_cats(sa, s->sid)
     || !stralloc_catb(sa, "@", 1) || !stralloc_catb(sa, s->me.s, s->me.len)
     || !stralloc_catb(sa, ">\n", 2)) return 0 ;
  }
  return 1 ;
}
