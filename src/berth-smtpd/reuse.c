/* ISC license. */
/* The end of a session in a process that serves the next one too (berth-listen -m, as Postfix's
   smtpd serves max_use clients): what smtpd_exit calls before it exits. A session may leave the
   process to the next only when it ended cleanly, by QUIT or by EOF between two transactions,
   with its last reply flushed and no message open; every other end (a timeout, an error, a drop,
   a failed handshake) exits the process as before. Before going back to smtpd_serve, the session
   gives up all it held: its connection (fds 0 and 1: the socket, or the pipes to the TLS engine,
   which then ends), the UCSPI-TLS fds, its slot, its maps and the struct's allocations, zeroed
   before they are freed; then the struct itself, which holds the buffers the message went
   through, is zeroed, and berth-listen's worker zeroes the stack below it. What is left of the
   session in the process is what short-lived allocations left in freed memory (envelope
   addresses, log lines), never the message's text. The connection to berth-qwriter is closed
   too: the writer reads the envelope limits once per connection, and control files take
   effect at the next session, as in a new process.
   Trust: nothing of the peer's is kept; the next session is another peer's. */

#include <setjmp.h>
#include <string.h>
#include <skalibs/cdb.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/rcptmap.h>
#include <berth/smtpd.h>

static int clean (smtpd const *s, char const *reason, int flushed)
{
  return s->reuse && flushed && !s->qd && !s->bdat
    && (!strcmp(reason, "quit") || !strcmp(reason, "eof")) ;
}

static void release (smtpd *s)
{
  stralloc *const sa[] =
  {
    &s->me, &s->greeting, &s->localiphost, &s->rcpthosts, &s->badmailfrom, &s->qqpath, &s->checkpw,
    &s->rw.envnoathost, &s->rw.locals, &s->rw.percenthack, &s->rw.vdoms,
    &s->authuser, &s->helo, &s->line, &s->tmp,
    &s->mailfrom, &s->mailparams, &s->rcpts, &s->mparams, &s->rparams, 0
  } ;
  fd_close(0) ;
  fd_close(1) ;
  smtpd_tls_decline(s) ;
  if (s->qwfd >= 0) fd_close(s->qwfd) ;
  s->qwfd = -1 ;
  if (s->slotfd >= 0) fd_close(s->slotfd) ;
  s->slotfd = -1 ;
  if (s->hasmore) cdb_free(&s->morercpthosts) ;
  rcptmap_close(&s->rmap) ;
  for (size_t i = 0 ; sa[i] ; i++)
  {
    if (sa[i]->s) explicit_bzero(sa[i]->s, sa[i]->a) ;
    stralloc_free(sa[i]) ;
  }
}

void smtpd_reuse_end (smtpd *s, char const *reason, int flushed)
{
  smtpd_reuse *r ;
  if (!clean(s, reason, flushed)) return ;
  r = s->reuse ;
  release(s) ;
  explicit_bzero(s, sizeof *s) ;
  siglongjmp(r->back, 1) ;
}
