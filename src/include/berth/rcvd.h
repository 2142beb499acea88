/* ISC license. */
/* The Received line a netstring server (berth-qmqpd, berth-qmtpd) puts on top of a message, in
   berth-smtpd's form: "Received: from HOST (INFO@HOST [IP])\n\tby ME (PROG) with PROTO; DATE\n",
   HOST, INFO and IP from tcpserver's TCPREMOTEHOST, TCPREMOTEINFO, TCPREMOTEIP, ME being
   TCPLOCALHOST or me (libberth/rcvd_line.c). Trust: the TCP* values may be a peer's words
   (reverse DNS, ident): they are reduced to printable ASCII without ()[]\;<>" and cut. */
#ifndef BERTH_RCVD_H
#define BERTH_RCVD_H

#include <stddef.h>
#include <skalibs/stralloc.h>

#define RCVD_FIELD_MAX 255

/* Appends x[0..len) to sa, each byte outside printable ASCII or among ()[]\;<>" made '?',
   cut at RCVD_FIELD_MAX bytes: safe inside a Received line's comments. 1, or 0 (out of memory). */
extern int rcvd_safe (stralloc *sa, char const *x, size_t len) ;

/* Sets sa to the line. 1, or 0 (out of memory). */
extern int rcvd_line (stralloc *sa, char const *prog, char const *proto, char const *me) ;

#endif
