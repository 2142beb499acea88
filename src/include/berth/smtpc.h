/* ISC license. */
/* SMTP client pieces for berth-remote: reply lines, EHLO capabilities, the DATA encoding.
   Trust: replies come from any remote server; the message from the queue. */
#ifndef BERTH_SMTPC_H
#define BERTH_SMTPC_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>

#define SMTPC_PIPELINING 0x01U
#define SMTPC_8BITMIME 0x02U
#define SMTPC_SMTPUTF8 0x04U
#define SMTPC_SIZE 0x08U
#define SMTPC_STARTTLS 0x10U
#define SMTPC_AUTH_PLAIN 0x20U     /* "AUTH ... PLAIN ..." (or the old "AUTH=...") */
#define SMTPC_AUTH_LOGIN 0x40U
#define SMTPC_CHUNKING 0x80U       /* RFC 3030: BDAT */
#define SMTPC_DSN 0x100U           /* RFC 3461: NOTIFY, ORCPT, RET, ENVID */
#define SMTPC_REQUIRETLS 0x200U    /* RFC 8689 */

typedef struct smtpc_caps_s smtpc_caps, *smtpc_caps_ref ;
struct smtpc_caps_s
{
  unsigned int flags ;
  uint64_t size ;          /* the peer's SIZE limit; 0 = none announced */
} ;
#define SMTPC_CAPS_ZERO { .flags = 0, .size = 0 }

/* One reply line (without CRLF): 1 if it starts with 3 digits then ' ', '-' or nothing;
   *code and *more (continuation) set. 0: garbled. */
extern int smtpc_reply_line (char const *s, size_t len, unsigned int *code, int *more) ;

/* One EHLO reply line's text (after "250-" or "250 "), not the first (greeting) line. */
extern void smtpc_ehlo_line (smtpc_caps *caps, char const *s, size_t len) ;
/* Every EHLO reply line after the first through smtpc_ehlo_line; lines: each line
   NUL-terminated (the last one too), CRLF removed, len bytes in all. */
extern void smtpc_ehlo_reply (smtpc_caps *caps, char const *lines, size_t len) ;

/* The DATA encoding. State starts at SMTPC_ENC_BOL. Every stored line end (LF, CRLF, or a bare
   CR) becomes CRLF, a line starting with '.' gets another '.'; other bytes unchanged.
   smtpc_encode_end closes an unterminated last line and appends ".\r\n". 1 ok, 0 no memory.
   smtpc_encode_lines is the same with dot-stuffing only when stuff is nonzero (BDAT's
   content has none), and smtpc_encode_close only closes an unterminated last line. */
#define SMTPC_ENC_BOL 0U
#define SMTPC_ENC_MID 1U
#define SMTPC_ENC_CR 2U
extern int smtpc_encode (stralloc *out, char const *s, size_t len, unsigned int *state) ;
extern int smtpc_encode_end (stralloc *out, unsigned int *state) ;
extern int smtpc_encode_lines (stralloc *out, char const *s, size_t len, unsigned int *state, int stuff) ;
extern int smtpc_encode_close (stralloc *out, unsigned int *state) ;

/* 1 if any byte has the high bit set. */
extern int smtpc_is8bit (char const *s, size_t len) ;

#endif
