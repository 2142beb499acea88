/* ISC license. */
/* Netstrings ("LEN:DATA,") read from a peer in pieces, for QMQP and QMTP, whose netstrings nest
   and carry whole messages: skalibs' netstring_get keeps one whole in memory, these read only
   its length and its comma and let the caller stream or bound the data in between
   (libberth/nsin_len.c, nsin_comma.c). Every read stops at the deadline given; the buffer's
   fd must be non-blocking. Trust: the bytes come from an untrusted peer: the length has at
   most NSIN_DIGITS digits, anything else is EPROTO. */
#ifndef BERTH_NSIN_H
#define BERTH_NSIN_H

#include <stddef.h>
#include <sys/types.h>
#include <skalibs/buffer.h>
#include <skalibs/tai.h>

/* at most 9,999,999,999 bytes in one netstring */
#define NSIN_DIGITS 10

/* Reads "digits:". The number of bytes read (digits and colon), *len set. 0: EOF before the
   first byte (a peer that is done). -1: errno EPROTO (not a netstring length), EPIPE (EOF after the first byte), ETIMEDOUT,
   or the read's error. */
extern ssize_t nsin_len (buffer *b, size_t *len, tain const *deadline) ;

/* Reads the one byte ending a netstring: 1 when it is ','; -1 with errno EPROTO when it is
   something else, EPIPE at EOF, ETIMEDOUT, or the read's error. */
extern int nsin_comma (buffer *b, tain const *deadline) ;

/* Reads exactly n bytes into s (s 0: reads and drops them). 1, or -1 with errno EPIPE at EOF,
   ETIMEDOUT or the read's error. */
extern int nsin_get (buffer *b, char *s, size_t n, tain const *deadline) ;

#endif
