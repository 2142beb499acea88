/* ISC license. */
/* berth-remote's internal interfaces: configuration, the connection, the report.
   Trust: everything read from the network is untrusted; the queue's message and envelope too. */
#ifndef BERTH_REMOTE_H
#define BERTH_REMOTE_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/smtpc.h>

/* RFC 5321 4.5.3.2 timeouts, seconds */
#define TO_GREETING 300
#define TO_EHLO 300
#define TO_MAIL 300
#define TO_RCPT 300
#define TO_DATA 120
#define TO_BLOCK 180
#define TO_DOT 600
#define TO_QUIT 10
#define TO_CONNECT_DEFAULT 60
#define SMTP_PORT_DEFAULT 25

#define REPLY_LINE_MAX 1024
#define REPLY_LINES_MAX 200
#define REPORT_TEXT_MAX 1000

typedef struct rcfg_s rcfg, *rcfg_ref ;
struct rcfg_s
{
  char const *helohost ;
  unsigned int timeoutconnect ;
  unsigned int timeoutremote ;   /* 0: the RFC 5321 timeouts per phase */
  uint16_t port ;
  int prefer4 ;
  int have_out4 ;
  int have_out6 ;
  char out4[4] ;
  char out6[16] ;
} ;

typedef struct rmsg_s rmsg, *rmsg_ref ;
struct rmsg_s
{
  stralloc wire ;                /* the DATA payload, encoded, ending in ".\r\n" */
  int is8bit ;
  int needutf8 ;
  char const *sender ;
  char const *const *rcpts ;
  unsigned int n ;
} ;

typedef struct rconn_s rconn, *rconn_ref ;
struct rconn_s
{
  int fd ;
  buffer in ;
  char label[1100] ;             /* "name [ip]", for reports */
  stralloc lines ;               /* last reply: lines, each NUL-terminated, CRLF removed */
  char rbuf[4096] ;
} ;

/* per-recipient state and the final verdict */
typedef struct rreport_s rreport, *rreport_ref ;
struct rreport_s
{
  char *stat ;                   /* n bytes: 0 (none yet), 'r', 'h', 's' */
  stralloc *texts ;              /* n texts for h and s */
  char final ;                   /* 'K', 'Z' or 'D'; 0: not decided */
  stralloc ftext ;
} ;

/* conn.c */
extern int conn_open (rconn *c, rcfg const *cfg, char const *ip, int is6, uint16_t port, int *timedout) ;
extern int conn_write (rconn *c, char const *s, size_t len, unsigned int secs) ;
extern unsigned int conn_reply (rconn *c, unsigned int secs) ;
extern int conn_replytext (rconn *c, stralloc *sa) ;
extern void conn_close (rconn *c) ;

/* tcpto.c: connect timeouts remembered in queue/lock/tcpto */
extern int tcpto_dead (char const *ip, int is6) ;
extern void tcpto_mark (char const *ip, int is6, int failed) ;

/* session.c: 1 report decided, 0 try the next address (final set to the reason) */
extern int session (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep) ;

/* tls.c: called after EHLO when STARTTLS is offered. 1 continue (caps may change), 0 give up
   on this host (reason in rep). The TLS helper replaces this file. */
extern int remote_starttls (rconn *c, rcfg const *cfg, smtpc_caps *caps, rreport *rep) ;

/* report.c */
extern int report_final (rreport *rep, char what, char const *const *parts, unsigned int n) ;
extern int report_rcpt (rreport *rep, unsigned int i, char what, char const *const *parts, unsigned int n) ;
extern void report_write (rreport const *rep, unsigned int n) ;

#define TIMEOUT(cfg, dflt) ((cfg)->timeoutremote ? (cfg)->timeoutremote : (dflt))

#endif
