/* ISC license. */
/* Sendmail's milter protocol, version 6 (libmilter's mfdef.h names): the packet codes, the
   action and protocol bits, and the check of one reply packet from a milter (milter_reply.c).
   Trust: a milter's replies are untrusted input; milter_reply_scan accepts only well-formed
   packets, and what it returns points into the packet it was given. */
#ifndef BERTH_MILTER_H
#define BERTH_MILTER_H

#include <stddef.h>
#include <stdint.h>

#define MILTER_VERSION 6
#define MILTER_CHUNK 65535          /* a body chunk, at most (libmilter's MILTER_CHUNK_SIZE) */
#define MILTER_PACKET_MAX (1U << 20)  /* a reply longer than this is garbage */

/* MTA to milter */
#define SMFIC_ABORT 'A'
#define SMFIC_BODY 'B'
#define SMFIC_CONNECT 'C'
#define SMFIC_MACRO 'D'
#define SMFIC_BODYEOB 'E'
#define SMFIC_HELO 'H'
#define SMFIC_QUIT_NC 'K'
#define SMFIC_HEADER 'L'
#define SMFIC_MAIL 'M'
#define SMFIC_EOH 'N'
#define SMFIC_OPTNEG 'O'
#define SMFIC_QUIT 'Q'
#define SMFIC_RCPT 'R'
#define SMFIC_DATA 'T'
#define SMFIC_UNKNOWN 'U'

/* milter to MTA */
#define SMFIR_ADDRCPT '+'
#define SMFIR_DELRCPT '-'
#define SMFIR_ADDRCPT_PAR '2'
#define SMFIR_SHUTDOWN '4'
#define SMFIR_ACCEPT 'a'
#define SMFIR_REPLBODY 'b'
#define SMFIR_CONTINUE 'c'
#define SMFIR_DISCARD 'd'
#define SMFIR_CHGFROM 'e'
#define SMFIR_CONN_FAIL 'f'
#define SMFIR_ADDHEADER 'h'
#define SMFIR_INSHEADER 'i'
#define SMFIR_SETSYMLIST 'l'
#define SMFIR_CHGHEADER 'm'
#define SMFIR_PROGRESS 'p'
#define SMFIR_QUARANTINE 'q'
#define SMFIR_REJECT 'r'
#define SMFIR_SKIP 's'
#define SMFIR_TEMPFAIL 't'
#define SMFIR_REPLYCODE 'y'
#define SMFIR_OPTNEG 'O'

/* address families in SMFIC_CONNECT */
#define SMFIA_UNKNOWN 'U'
#define SMFIA_UNIX 'L'
#define SMFIA_INET '4'
#define SMFIA_INET6 '6'

/* actions a milter may take (offered by the MTA, asked for by the milter) */
#define SMFIF_ADDHDRS 0x01
#define SMFIF_CHGBODY 0x02
#define SMFIF_ADDRCPT 0x04
#define SMFIF_DELRCPT 0x08
#define SMFIF_CHGHDRS 0x10
#define SMFIF_QUARANTINE 0x20
#define SMFIF_CHGFROM 0x40
#define SMFIF_ADDRCPT_PAR 0x80
#define SMFIF_SETSYMLIST 0x100
#define MILTER_ACTIONS 0x1ff

/* protocol steps: "no such step" and "no reply to this step" */
#define SMFIP_NOCONNECT 0x1
#define SMFIP_NOHELO 0x2
#define SMFIP_NOMAIL 0x4
#define SMFIP_NORCPT 0x8
#define SMFIP_NOBODY 0x10
#define SMFIP_NOHDRS 0x20
#define SMFIP_NOEOH 0x40
#define SMFIP_NR_HDR 0x80
#define SMFIP_NOUNKNOWN 0x100
#define SMFIP_NODATA 0x200
#define SMFIP_SKIP 0x400
#define SMFIP_RCPT_REJ 0x800
#define SMFIP_NR_CONN 0x1000
#define SMFIP_NR_HELO 0x2000
#define SMFIP_NR_MAIL 0x4000
#define SMFIP_NR_RCPT 0x8000
#define SMFIP_NR_DATA 0x10000
#define SMFIP_NR_UNKN 0x20000
#define SMFIP_NR_EOH 0x40000
#define SMFIP_NR_BODY 0x80000
#define SMFIP_HDR_LEADSPC 0x100000
/* what berth offers: every step may be left out or go unanswered, SKIP, leading spaces; not
   RCPT_REJ (a rejected recipient is the whole message's verdict here) */
#define MILTER_PROTOCOL (0x1fffff & ~SMFIP_RCPT_REJ)

/* the macro stages of SMFIC_MACRO */
#define SMFIM_CONNECT 0
#define SMFIM_HELO 1
#define SMFIM_ENVFROM 2
#define SMFIM_ENVRCPT 3
#define SMFIM_DATA 4
#define SMFIM_EOM 5
#define SMFIM_EOH 6

/* One reply, checked. cmd is the packet's code; the meaning of the fields by cmd:
   OPTNEG: version, actions, protocol. y: a (the reply line: a 4xx or 5xx code, printable text).
   h: a name, b value. i, m: index, a name, b value. +, -, e, q: a address or reason, b the ESMTP
   arguments (+2 and e; may be empty). b: a the chunk. Others: nothing. Strings are not
   NUL-terminated: their lengths are alen and blen. */
typedef struct milter_reply_s milter_reply ;
struct milter_reply_s
{
  char cmd ;
  uint32_t version ;
  uint32_t actions ;
  uint32_t protocol ;
  uint32_t index ;
  char const *a ;
  size_t alen ;
  char const *b ;
  size_t blen ;
} ;

/* Checks the packet (code cmd, len bytes of data s). 1 and *r filled, or 0: malformed. */
extern int milter_reply_scan (char cmd, char const *s, size_t len, milter_reply *r) ;

#endif
