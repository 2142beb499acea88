/* ISC license. */
/* QMQP and QMTP (D. J. Bernstein's protocols, cr.yp.to/proto/): their ports and the first byte
   of every answer. Both put whole messages and addresses in netstrings (berth/nsin.h). */
#ifndef BERTH_QMQP_H
#define BERTH_QMQP_H

#define QMQP_PORT 628
#define QMTP_PORT 209

#define QMQP_OK 'K'       /* accepted: the server has the message */
#define QMQP_TEMP 'Z'     /* temporary failure: try again later */
#define QMQP_PERM 'D'     /* permanent failure */

/* QMTP's message type, the first byte of the message netstring */
#define QMTP_TYPE_LF '\n'     /* lines end in LF */
#define QMTP_TYPE_CRLF '\r'   /* lines end in CR LF: "\r\n", converted to LF */

#endif
