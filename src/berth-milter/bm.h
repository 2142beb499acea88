/* ISC license. */
/* berth-milter's parts. Trust: the caller (berth-smtpd, berth-inject) is trusted as a
   qmail-queue caller is, and so is its environment (the session facts berth-smtpd exports);
   the control file is the administrator's; a milter is trusted to judge the message but not
   to answer well-formed or in time: every reply is checked (milter_reply_scan) and bounded,
   and a milter's changes are applied only once it has answered the end of the message. */
#ifndef BM_H
#define BM_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/genalloc.h>
#include <skalibs/ip46.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>

#define BM_LIST_NETWORK "control/milters"
#define BM_LIST_LOCAL "control/milters-local"
#define BM_CONNECT_TIMEOUT 30    /* seconds, Postfix's milter_connect_timeout */
#define BM_COMMAND_TIMEOUT 30    /* seconds, milter_command_timeout */
#define BM_CONTENT_TIMEOUT 300   /* seconds, milter_content_timeout: body and end of message */
#define BM_PATH_MAX 108          /* sun_path */

/* what to do when a milter is down or misbehaves */
#define BM_DEFAULT_ACCEPT 0
#define BM_DEFAULT_TEMPFAIL 1
#define BM_DEFAULT_REJECT 2

typedef struct bm_conf_s bm_conf ;
struct bm_conf_s
{
  char const *line ;
  int isunix ;
  char path[BM_PATH_MAX] ;
  ip46 ip ;
  uint16_t port ;
  unsigned int tconnect ;
  unsigned int tcommand ;
  unsigned int tcontent ;
  int dflt ;
} ;

/* conf.c: one line of the list. 1, or 0 with *why saying what is wrong. */
extern int bm_conf_scan (char const *line, bm_conf *c, char const **why) ;

/* The message as berth-milter holds it: header fields, each its full text ("Name: value\n",
   folds included), the blank line or not, the body; LF line ends, as qmail-queue gets it. */
typedef struct bm_msg_s bm_msg ;
struct bm_msg_s
{
  genalloc fields ;   /* stralloc */
  int sep ;           /* the blank line after the header was there */
  stralloc body ;
  stralloc from ;
  stralloc rcpts ;    /* NUL-terminated addresses */
  stralloc mparams ;  /* the E record's params, NUL-terminated (berth/envext.h); empty: none */
  stralloc rparams ;  /* one NUL-terminated R record's params per recipient, in order (may be empty) */
  stralloc hold ;     /* a quarantine's reason; empty: none */
} ;
#define BM_MSG_ZERO { .fields = GENALLOC_ZERO, .sep = 0, .body = STRALLOC_ZERO, .from = STRALLOC_ZERO, .rcpts = STRALLOC_ZERO, .mparams = STRALLOC_ZERO, .rparams = STRALLOC_ZERO, .hold = STRALLOC_ZERO }
/* The envelope for the next queue program, extension records passed on unchanged. */
extern int bm_envelope (bm_msg const *m, stralloc *env) ;
#define BM_FIELD(m, i) (genalloc_s(stralloc, &(m)->fields) + (i))
#define BM_NFIELDS(m) genalloc_len(stralloc, &(m)->fields)

/* msg.c */
extern int bm_msg_parse (bm_msg *m, char const *s, size_t len) ;   /* 1 or 0 (memory) */
extern int bm_msg_write (bm_msg const *m, int fd) ;                /* 1 or 0 */
extern size_t bm_field_namelen (stralloc const *f) ;
extern int bm_env_parse (bm_msg *m, char const *s, size_t len) ;   /* 0 or a QQ_ code */

/* edit.c: a milter's changes (the raw reply packets, each "cmd len32 data"), applied in order.
   leadspc: the milter asked for header values as they are (SMFIP_HDR_LEADSPC). 1; -1 when a
   packet is malformed (nothing changed); 0 out of memory (the message is then half changed:
   the caller queues nothing). */
extern int bm_apply (bm_msg *m, stralloc const *mods, int leadspc) ;

/* the verdict of one milter, or of them all */
#define BM_CONTINUE 0
#define BM_REJECT 1
#define BM_TEMPFAIL 2
#define BM_DISCARD 3
#define BM_FAILED 4    /* down, slow, garbage: the line's default action applies */

/* conn.c: the socket to one milter and its packets */
typedef struct bm_conn_s bm_conn ;
struct bm_conn_s
{
  int fd ;
  bm_conf const *conf ;
  uint32_t actions ;
  uint32_t protocol ;
  stralloc in ;       /* the last packet read: cmd, then its data */
  stralloc out ;
} ;
#define BM_CONN_ZERO { .fd = -1, .conf = 0, .actions = 0, .protocol = 0, .in = STRALLOC_ZERO, .out = STRALLOC_ZERO }
extern int bm_connect (bm_conn *c, bm_conf const *conf) ;
extern int bm_send (bm_conn *c, char cmd, char const *s, size_t len, unsigned int secs) ;
/* bm_queuev: a packet added to what the next send writes; bm_sendv: that, then all of it
   written within secs (one write for a step's macros and command: no wait between them) */
extern int bm_queuev (bm_conn *c, char cmd, char const *const *v, size_t const *len, unsigned int n) ;
extern int bm_sendv (bm_conn *c, char cmd, char const *const *v, size_t const *len, unsigned int n, unsigned int secs) ;
extern int bm_recv (bm_conn *c, unsigned int secs) ;   /* 1: a packet in c->in; 0: EOF, timeout, garbage */
extern void bm_close (bm_conn *c) ;

/* one transaction: the message, this host's name (control/me), berth-milter's transaction id
   (Sendmail's macro i: the queue id is made only when the next program commits) */
typedef struct bm_tx_s bm_tx ;
struct bm_tx_s
{
  bm_msg const *m ;
  char const *me ;
  char const *txid ;
} ;

/* macros.c: the SMFIC_MACRO packet for a stage (its data: stage code, name NUL value NUL...),
   from the environment; rcpt for SMFIM_ENVRCPT */
extern int bm_macros (stralloc *sa, unsigned int stage, bm_tx const *t, char const *rcpt) ;
/* the SMFIC_CONNECT packet */
extern int bm_connect_info (stralloc *sa) ;

/* session.c: one milter's whole conversation. The verdict; on reject or tempfail, reply holds
   the milter's own reply line ("550 5.7.1 text") or is empty; mods its changes. */
extern int bm_session (bm_conf const *conf, bm_tx const *t, stralloc *reply, stralloc *mods, int *leadspc) ;

/* direct.c: the commit in process, when berth-queue would cross no privilege boundary */
extern int bm_direct_usable (bm_msg const *) ;
extern int bm_direct (bm_msg const *, char *, size_t, char *, size_t) ;

#endif
