/* ISC license. */
/* RFC 4648 base64 decoding (standard alphabet, padding required), for SMTP AUTH (RFC 4954).
   Trust: the input is the network peer's; decoding is strict and never writes past 3*len/4. */
#ifndef BERTH_BASE64_H
#define BERTH_BASE64_H

#include <sys/types.h>
#include <skalibs/stralloc.h>

#define BASE64_DECODED_MAX(n) (((n) / 4) * 3)

/* Decodes in[0..len) into out (room for BASE64_DECODED_MAX(len) bytes). Returns the decoded
   length, or -1 (errno EINVAL) when the input is not canonical base64: length not a multiple
   of 4, a byte outside the alphabet, '=' anywhere but the last one or two places, or non-zero
   bits left over before the padding. The empty input decodes to nothing. */
extern ssize_t base64_decode (char *out, char const *in, size_t len) ;

/* Appends the base64 form of in[0..len) (padded) to sa. 1 ok, 0 out of memory. */
extern int base64_encode (stralloc *sa, char const *in, size_t len) ;

#endif
