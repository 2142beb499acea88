/* ISC license. */
/* One command line from the peer, read through smtpd_fill (io.c). Trust: the bytes are the
   peer's; at most SMTPD_CMDLINE_MAX of a line are kept, the rest is counted and dropped. */

#include <string.h>
#include <sys/uio.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

int smtpd_getcmd (smtpd *s)
{
  size_t total = 0 ;
  int nul = 0 ;
  s->line.len = 0 ;
  for (;;)
  {
    struct iovec v[2] ;
    size_t i, used = 0 ;
    int done = 0 ;
    if (buffer_isempty(&s->in)) smtpd_fill(s) ;
    buffer_rpeek(&s->in, v) ;
    for (i = 0 ; i < 2 && !done ; i++)
    {
      char const *p = v[i].iov_base ;
      size_t n = v[i].iov_len ;
      char const *nl ;
      if (!n) continue ;   /* the second part is empty (and null) when the data does not wrap */
      nl = memchr(p, '\n', n) ;
      if (nl) { n = nl - p + 1 ; done = 1 ; }
      if (total < SMTPD_CMDLINE_MAX)
      {
        size_t k = n ;
        if (k > SMTPD_CMDLINE_MAX - total) k = SMTPD_CMDLINE_MAX - total ;
        if (!stralloc_catb(&s->line, p, k)) smtpd_drop(s, RP_NOMEM, "nomem") ;
      }
      total += n ; used += n ;
    }
    buffer_rseek(&s->in, used) ;
    if (done) break ;
    /* a long line is skipped (500 at its end), but not forever: a stream without a newline ends here */
    if (total > SMTPD_CMDLINE_DROP) smtpd_drop(s, RP_LINE_FLOOD, "line-flood") ;
  }
  if (total > SMTPD_CMDLINE_MAX) return 0 ;
  s->line.len-- ;
  if (s->line.len && s->line.s[s->line.len - 1] == '\r') s->line.len-- ;
  if (memchr(s->line.s, 0, s->line.len)) nul = 1 ;
  if (!stralloc_0(&s->line)) smtpd_drop(s, RP_NOMEM, "nomem") ;
  s->line.len-- ;
  return nul ? -1 : 1 ;
}
