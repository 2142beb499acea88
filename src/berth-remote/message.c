/* ISC license. */
/* berth-remote: the message, streamed from the message file in chunks, encoded on the way
   (CRLF line ends), so memory does not grow with the message. For DATA: dot-stuffing and the
   final ".\r\n", which goes out in the same write as the message's tail (a small message is one
   write): a separate small write would wait for the peer's delayed ACK of the data before it.
   For BDAT (RFC 3030): no dot-stuffing; each chunk is one write, "BDAT n" or "BDAT n LAST" in
   front of its bytes, and each chunk's reply is read before the next is sent.
   remote_message_load makes the one pass before any try: the encoded size, 8-bit or not, the
   header's TLS-Required field, and the envelope as written.
   Trust: the message bytes are untrusted; smtpc_encode guarantees nothing can end DATA early,
   and BDAT's byte counts leave nothing to end early. */

#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/smtpc.h>
#include "remote.h"

#define BDAT_HEAD_MAX 32   /* "BDAT " + a 64-bit size + " LAST" + CRLF */
#define CLASS_OK 2

int remote_message_send (rconn *c, rmsg const *m, unsigned int secs)
{
  stralloc enc = STRALLOC_ZERO ;
  char buf[MESSAGE_CHUNK] ;
  unsigned int state = SMTPC_ENC_BOL ;
  int r = 1 ;
  if (lseek(m->fd, m->start, SEEK_SET) < 0) return -1 ;
  for (;;)
  {
    ssize_t n = fd_read(m->fd, buf, sizeof buf) ;
    if (n < 0) { r = -1 ; break ; }
    if (!n)
    {
      if (!smtpc_encode_end(&enc, &state) || !remote_conn_write(c, enc.s, enc.len, secs)) r = 0 ;
      break ;
    }
    if (!smtpc_encode(&enc, buf, n, &state)) { r = 0 ; break ; }
    if (enc.len < MESSAGE_CHUNK) continue ;
    if (!remote_conn_write(c, enc.s, enc.len, secs)) { r = 0 ; break ; }
    enc.len = 0 ;
  }
  stralloc_free(&enc) ;
  return r ;
}

/* enc holds BDAT_HEAD_MAX free bytes, then the chunk: the command goes right before it. */
static int chunk_write (rconn *c, stralloc *enc, int last, unsigned int secs)
{
  char head[BDAT_HEAD_MAX] ;
  size_t n = 5 ;
  memcpy(head, "BDAT ", 5) ;
  n += uint64_fmt(head + n, enc->len - BDAT_HEAD_MAX) ;
  if (last) { memcpy(head + n, " LAST", 5) ; n += 5 ; }
  memcpy(head + n, "\r\n", 2) ; n += 2 ;
  memcpy(enc->s + BDAT_HEAD_MAX - n, head, n) ;
  return remote_conn_write(c, enc->s + BDAT_HEAD_MAX - n, enc->len - BDAT_HEAD_MAX + n, secs) ;
}

int remote_message_bdat (rconn *c, rmsg const *m, unsigned int secs, unsigned int *code)
{
  stralloc enc = STRALLOC_ZERO ;
  char buf[MESSAGE_CHUNK] ;
  unsigned int state = SMTPC_ENC_BOL ;
  ssize_t n ;
  int r = 1 ;
  *code = 0 ;
  if (lseek(m->fd, m->start, SEEK_SET) < 0) return -1 ;
  n = fd_read(m->fd, buf, sizeof buf) ;
  for (;;)
  {
    int last ;
    if (n < 0) { r = -1 ; break ; }
    if (!stralloc_ready(&enc, BDAT_HEAD_MAX)) { r = 0 ; break ; }
    enc.len = BDAT_HEAD_MAX ;
    if (!smtpc_encode_lines(&enc, buf, n, &state, 0)) { r = 0 ; break ; }
    n = n ? fd_read(m->fd, buf, sizeof buf) : 0 ;   /* read ahead: no more bytes makes this chunk the last */
    last = !n ;
    if (last && !smtpc_encode_close(&enc, &state)) { r = 0 ; break ; }
    if (!chunk_write(c, &enc, last, secs)) { r = 0 ; break ; }
    if (last) break ;
    *code = remote_conn_reply(c, secs) ;
    if (!*code) { r = 0 ; break ; }
    if (*code / 100 != CLASS_OK) break ;   /* refused: no more chunks (RFC 3030 section 2) */
    *code = 0 ;
  }
  stralloc_free(&enc) ;
  return r ;
}

static int fail (rreport *rep, char what, char const *text)
{
  char const *parts[1] = { text } ;
  remote_report_final(rep, what, parts, 1) ;
  return 0 ;
}

/* One pass over the message, in chunks: is it 8-bit, and how long is it once encoded. The
   message is not kept: each try streams it again from the start (doc/berth-remote.md). */
int remote_message_load (rmsg *m, rreport *rep, stralloc *wire, char const **wrcpts)
{
  stralloc enc = STRALLOC_ZERO ;
  rhdr h = RHDR_ZERO ;
  char buf[MESSAGE_CHUNK] ;
  unsigned int state = SMTPC_ENC_BOL ;
  m->fd = 0 ;
  m->start = lseek(0, 0, SEEK_CUR) ;   /* berth-rspawn gives the queue file past its header */
  if (m->start < 0)
  {
    m->start = 0 ;
    /* not a file (a pipe, as some qmail-rspawn setups give): copy it once into a memfd */
    m->fd = memfd_create("berth-remote", MFD_CLOEXEC) ;
    if (m->fd < 0) return fail(rep, 'Z', "Unable to store the message. (#4.3.0)") ;
    for (;;)
    {
      ssize_t r = fd_read(0, buf, sizeof buf) ;
      if (r < 0) return fail(rep, 'Z', "Unable to read message. (#4.3.0)") ;
      if (!r) break ;
      if (allwrite(m->fd, buf, r) < (size_t)r) return fail(rep, 'Z', "Unable to store the message. (#4.3.0)") ;
    }
    if (lseek(m->fd, 0, SEEK_SET) < 0) return fail(rep, 'Z', "Unable to read message. (#4.3.0)") ;
  }
  m->is8bit = 0 ; m->wirelen = 0 ;
  for (;;)
  {
    ssize_t r = fd_read(m->fd, buf, sizeof buf) ;
    if (r < 0) return fail(rep, 'Z', "Unable to read message. (#4.3.0)") ;
    if (!r) break ;
    if (!m->is8bit) m->is8bit = smtpc_is8bit(buf, r) ;
    remote_hdr_feed(&h, buf, r) ;
    enc.len = 0 ;
    if (!smtpc_encode(&enc, buf, r, &state)) return fail(rep, 'Z', "Out of memory. (#4.3.0)") ;
    m->wirelen += enc.len ;
  }
  enc.len = 0 ;
  if (!smtpc_encode_end(&enc, &state)) return fail(rep, 'Z', "Out of memory. (#4.3.0)") ;
  m->wirelen += enc.len ;
  stralloc_free(&enc) ;
  m->tlsno = remote_hdr_end(&h) && !m->requiretls ;   /* RFC 8689 4.1: REQUIRETLS wins */
  if (m->tlsno) strerr_warni1x("TLS-Required: No: DANE and MTA-STS are not applied to this message") ;
  m->needutf8 = smtpc_is8bit(m->sender, strlen(m->sender)) ;
  for (unsigned int i = 0 ; i < m->n ; i++)
    if (smtpc_is8bit(m->rcpts[i], strlen(m->rcpts[i]))) m->needutf8 = 1 ;
  /* each address as the next hop will read it back; one that cannot be is a permanent failure */
  if (!remote_envelope_quote(m, wire, wrcpts)) return fail(rep, 'Z', "Out of memory. (#4.3.0)") ;
  if (!m->wsender) return fail(rep, 'D', "Sorry, the sender address cannot be written in SMTP: it holds a control byte, or a byte that ends an address in its domain. (#5.1.7)") ;
  if (!remote_envelope_mark(m, rep)) return fail(rep, 'D', "Sorry, no recipient address can be written in SMTP. (#5.1.3)") ;
  return 1 ;
}
