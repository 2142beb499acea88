/* ISC license. */
/* berth-remote's internal interfaces: configuration, the connection, the report.
   Trust: everything read from the network is untrusted; the queue's message and envelope too. */
#ifndef BERTH_REMOTE_H
#define BERTH_REMOTE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <skalibs/buffer.h>
#include <skalibs/fmtscan.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/guests.h>
#include <berth/mtasts.h>
#include <berth/smtpc.h>

#define REMOTE_USAGE "berth-remote host sender rcpt [rcpt ...]"

/* RFC 5321 4.5.3.2 timeouts, seconds */
#define TO_GREETING 300
#define TO_EHLO 300
#define TO_MAIL 300
#define TO_RCPT 300
#define TO_DATA 120
#define TO_BLOCK 180
#define TO_DOT 600
#define TO_QUIT 10
#define TO_TLS 60                /* the TLS handshake (berth-tlsc -K) */
#define TO_CONNECT_DEFAULT 60
#define SMTP_PORT_DEFAULT 25

#define REPLY_LINE_MAX 1024
#define REPLY_LINES_MAX 200
#define REPORT_TEXT_MAX 1000
#define TLS_INFO_MAX 4096

/* control/tlspolicy levels (doc/berth-remote.md) */
#define TLS_NONE 0
#define TLS_MAY 1
#define TLS_ENCRYPT 2
#define TLS_VERIFY 3
#define TLS_DANE 4                /* DANE when the MX, its addresses and TLSA are DNSSEC-secure, else may */
#define TLS_DANE_ONLY 5           /* DANE or nothing */
#define TLSA_ARGS_MAX 16          /* TLSA records passed to berth-tlsc at most */

/* remote_session() results */
#define SESSION_NEXT 0            /* try the next address; the reason is in rep->final */
#define SESSION_DONE 1            /* the report is decided */
#define SESSION_PLAIN 2           /* TLS handshake failed under "may": same address, cleartext */

typedef struct rcfg_s rcfg, *rcfg_ref ;
struct rcfg_s
{
  char const *helohost ;
  char const *me ;               /* control/me */
  unsigned int timeoutconnect ;
  unsigned int timeoutremote ;   /* 0: the RFC 5321 timeouts per phase */
  uint16_t port ;
  int prefer4 ;
  int have_out4 ;
  int have_out6 ;
  char out4[4] ;
  char out6[16] ;
  int tlslevel ;                 /* TLS_NONE .. TLS_DANE_ONLY, from control/tlspolicy */
  int dnssec ;                   /* control/dnssec: the nameserver validates (default level dane) */
  int tlsexplicit ;              /* control/tlspolicy has a line for this domain (not "*"): MTA-STS is not used */
  int mtasts ;                   /* control/mtasts: MTA-STS on (the default) */
  char const *tlsname ;          /* name= : the name to verify instead of the MX name; 0 none */
  char const *tlsanchors ;       /* anchors= , else control/tlsanchors, else /etc/ssl/certs */
  char const *tlsc ;             /* the berth-tlsc to run */
  stralloc auth ;                /* control/smtpauth lines (secret: never logged) */
  int nochunking ;               /* control/nochunking: DATA even when the peer offers CHUNKING */
} ;

typedef struct rmsg_s rmsg, *rmsg_ref ;
struct rmsg_s
{
  int fd ;                       /* the message, seekable (fd 0, or a memfd copy of a pipe) */
  off_t start ;                  /* where it begins in fd: fd 0's offset at start (doc/queue.md) */
  uint64_t wirelen ;             /* the DATA payload's length once encoded, ".\r\n" included */
  int is8bit ;
  int needutf8 ;
  char const *sender ;
  char const *const *rcpts ;
  unsigned int n ;
  char const *wsender ;          /* the sender as written on the wire; 0: it cannot be */
  char const *const *wrcpts ;    /* each recipient as written; 0: that one cannot be */
  int requiretls ;               /* the envelope asks REQUIRETLS (RFC 8689): params.c */
  int tlsno ;                    /* "TLS-Required: No" in the header, without REQUIRETLS */
  int dsn ;                      /* some DSN parameter (RET, ENVID, NOTIFY, ORCPT) was asked */
  char const *dsnmail ;          /* " RET=.. ENVID=.." for MAIL to a peer offering DSN, or "" */
  char const *const *dsnrcpt ;   /* per recipient: " NOTIFY=.. ORCPT=.." or "" */
} ;

typedef struct rconn_s rconn, *rconn_ref ;
struct rconn_s
{
  int fd ;                       /* replies come from here: the socket, or berth-tlsc's pipe */
  int wfd ;                      /* commands go here: the socket, or the pipe to berth-tlsc */
  pid_t tlspid ;                 /* berth-tlsc, 0 when none */
  int notls ;                    /* do not STARTTLS (the cleartext retry under "may") */
  int tlslevel ;                 /* this connection's level: the policy's, DANE's outcome applied */
  stralloc tlsa ;                /* DANE: usable TLSA records, "u:s:m:hex\0" each; empty: none */
  char const *sts ;              /* MTA-STS: the policy domain when its policy applies here, else 0 */
  int ststest ;                  /* ... in testing mode: failures are logged, not enforced */
  char const *host ;             /* the target's name: MX, relay, or "[192.0.2.1]" */
  int literal ;                  /* host is an address literal (no SNI, no name to verify) */
  char ip[IP6_FMT] ;             /* the address, text form */
  uint16_t port ;                /* the port connected to */
  stralloc tlstext ;             /* " TLS=TLSv1.2 cipher=... verified=0", or empty */
  buffer in ;
  char label[1100] ;             /* "name [ip]", for reports */
  char relay[1100] ;             /* the relay's name (the address without one), for the facts:
                                    kept with a reused connection when host is gone */
  stralloc lines ;               /* last reply: lines, each NUL-terminated, CRLF removed */
  smtpc_caps caps ;              /* the last EHLO reply's extensions */
  int loopcheck ;                /* found by MX or address: a peer greeting with our name is us */
  int keep ;                     /* after a transaction, keep the connection instead of QUIT */
  int reusable ;                 /* kept: the session is between transactions */
  int reqtls ;                   /* this connection must meet REQUIRETLS (reqtls.c) */
  int reqok ;                    /* ... and it does: verified TLS, REQUIRETLS offered */
  char rbuf[4096] ;
  struct rtlsrpt_s const *rpt ;  /* TLS-RPT: this job's recording (tlsrpt.c), 0 when off */
} ;

/* per-recipient state and the final verdict */
typedef struct rreport_s rreport, *rreport_ref ;
struct rreport_s
{
  char *stat ;                   /* n bytes: 0 (none yet), 'r', 'h', 's' */
  stralloc *texts ;              /* n texts for h and s */
  char final ;                   /* 'K', 'Z' or 'D'; 0: not decided */
  stralloc ftext ;
  stralloc facts ;               /* the facts record's relay and TLS fields, or empty */
  tain start ;                   /* the job's start */
  tain mail ;                    /* when MAIL was sent on the session that decided; 0: never */
  int relayed ;                  /* DSN was asked and that session's peer does not offer it */
  unsigned int reqn ;            /* hosts that could not meet REQUIRETLS (reqtls.c) */
  stralloc reqwhy ;              /* why the last of them could not */
} ;
#define REPORT_FACTS 'I'          /* the facts record's letter, after the final record */
#define REPORT_FACTS_MAX 400

/* berth-remote.c: remote_main and remote_serve, declared in berth/guests.h (shared with berth-rspawn) */

#define REUSE_AGE_MAX 300         /* seconds a connection is reused at most, as Postfix's default */

/* conn.c */
extern int remote_conn_open (rconn *c, rcfg const *cfg, char const *ip, int is6, uint16_t port, int *timedout) ;
extern int remote_conn_write (rconn *c, char const *s, size_t len, unsigned int secs) ;
extern unsigned int remote_conn_reply (rconn *c, unsigned int secs) ;
extern int remote_conn_replytext (rconn *c, stralloc *sa) ;
extern void remote_conn_close (rconn *c) ;

/* tcpto.c: connect timeouts remembered in queue/lock/tcpto */
extern int remote_tcpto_dead (char const *ip, int is6) ;
extern void remote_tcpto_mark (char const *ip, int is6, int failed) ;

/* session.c: SESSION_NEXT, SESSION_DONE or SESSION_PLAIN. session_again: one more transaction
   on a kept connection (c->reusable); SESSION_NEXT when it is gone (closed, timed out, 421):
   the caller connects again. session_quit: QUIT, its reply awaited briefly. */
extern int remote_session (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep) ;
extern int remote_session_again (rconn *c, rcfg const *cfg, rmsg const *m, rreport *rep) ;
extern void remote_session_quit (rconn *c) ;

/* tls.c: STARTTLS after EHLO (policy in cfg). STLS_UP: TLS is up, say EHLO again;
   STLS_CLEAR: go on in cleartext on this connection; STLS_RETRY: the handshake failed under
   "may", reconnect in cleartext; STLS_FAIL: give up on this address (reason in rep). */
#define STLS_FAIL 0
#define STLS_UP 1
#define STLS_CLEAR 2
#define STLS_RETRY 3
extern int remote_starttls (rconn *c, rcfg const *cfg, rreport *rep) ;

/* tlsc.c: run berth-tlsc on c's socket; 1: TLS up, c now talks over its pipes, info holds
   the handshake's VAR=value\0 list; 0: failed (socket closed), *wstat berth-tlsc's status. */
extern int remote_tlsc_start (rconn *c, rcfg const *cfg, stralloc *info, int *wstat) ;
#define TLSC_FAILED "SSL_FAILED="   /* berth-tlsc's info after a failed handshake: the reason */
extern void remote_tlsc_end (rconn *c) ;

/* tlspolicy.c: control/tlspolicy's line for host into cfg (default: dane when cfg->dnssec,
   else may). 1 ok, 0 a bad line (*bad set) */
extern int remote_tlspolicy_read (rcfg *cfg, char const *host, stralloc *store, char const **bad) ;

/* mtasts.c: MTA-STS (RFC 8461). find: the policy of host into p (cache, TXT id, berth-mtasts),
   its mode (MTASTS_NONE when there is none). apply: per MX host, before connecting: 1 go on
   (c->sts, c->ststest, c->tlslevel set), 0 skip this MX (enforce: not in the policy; reason in
   rep). observe: under testing, logs what enforce would have refused. */
struct mtasts_policy_s ;
struct dnsctx_s ;
extern int remote_mtasts_find (rcfg const *cfg, struct dnsctx_s *d, char const *host, struct mtasts_policy_s *p) ;
extern int remote_mtasts_apply (rconn *c, struct mtasts_policy_s const *p, char const *domain, char const *mx, rreport *rep) ;
extern void remote_mtasts_observe (rconn const *c, char const *mx, char const *what) ;

/* auth.c: control/smtpauth (auth_read: 1 ok or absent, 0 unreadable or readable by others),
   and AUTH PLAIN or LOGIN (RFC 4954) over TLS with the credentials for c's host:
   1 authenticated or no credentials, 0 give up on this address (reason in rep). */
extern int remote_auth_read (rcfg *cfg) ;
extern int remote_auth (rconn *c, rcfg const *cfg, rreport *rep, unsigned int caps) ;

/* qmtp.c: delivery by QMTP when control/qmtproutes names host: 1 (the report is decided), 0 (no
   such route: SMTP as usual) */
extern int remote_qmtp_route (rcfg const *cfg, rmsg const *m, rreport *rep, char const *host) ;

/* report.c */
extern int remote_report_final (rreport *rep, char what, char const *const *parts, unsigned int n) ;
extern int remote_report_rcpt (rreport *rep, unsigned int i, char what, char const *const *parts, unsigned int n) ;
extern void remote_report_write (rreport const *rep, unsigned int n) ;
extern int remote_report_but (rreport *rep, rconn *c, char const *why, int said) ;
/* "relay=NAME[IP]:PORT", then " tls=V cipher=C verified=N" when TLS is up, appended to sa: words
   that need no quoting in a log line (every other byte '?'). remote_report_relay: the same into
   rep->facts; with mail, MAIL is being sent now (the transfer's start). 1, or 0 out of memory. */
extern int remote_facts_cat (stralloc *sa, rconn const *c) ;
extern int remote_report_relay (rreport *rep, rconn const *c, int mail) ;

/* tlsrpt.c: TLS-RPT (RFC 8460) records, when control/tlsrpt exists. start: for this job
   (c->rpt; only a domain reached by MX, bymx), under the MTA-STS policy sts (mode none: none).
   note: one session's outcome, result "success" or an RFC 8460 4.3 result type; mx and ip 0:
   c's. failed: a failed STARTTLS or handshake, berth-tlsc's reason in why. up: TLS is up. */
typedef struct rtlsrpt_s rtlsrpt, *rtlsrpt_ref ;
struct rtlsrpt_s
{
  char domain[MTASTS_DOMAIN_MAX + 1] ;   /* the policy domain, lower case (mtasts_domain_ok) */
  struct mtasts_policy_s const *sts ;
} ;
extern void remote_tlsrpt_start (rtlsrpt *t, rconn *c, char const *host, int bymx, struct mtasts_policy_s const *sts) ;
extern void remote_tlsrpt_note (rconn const *c, char const *mx, char const *ip, char const *result, char const *reason) ;
extern void remote_tlsrpt_failed (rconn const *c, char const *why) ;
extern void remote_tlsrpt_up (rconn const *c) ;

#define TIMEOUT(cfg, dflt) ((cfg)->timeoutremote ? (cfg)->timeoutremote : (dflt))

/* envelope.c: m's addresses as RFC 5321 writes them (m->wsender, m->wrcpts = wrcpts, n
   entries), in store. 1 ok (an address that cannot be written is 0), 0 out of memory. */
extern int remote_envelope_quote (rmsg *m, stralloc *store, char const **wrcpts) ;
/* sets h for each recipient that cannot be written, clears the others' stat; how many can */
extern unsigned int remote_envelope_mark (rmsg const *m, rreport *rep) ;

/* One pass over the message on fd 0, in chunks (a pipe is first copied into a memfd): m's fd,
   start, wirelen, is8bit, needutf8, tlsno, and its addresses as written (wire, wrcpts). 1, or
   0 when the report is decided (a read error, an address that cannot be written). */
extern int remote_message_load (rmsg *m, rreport *rep, stralloc *wire, char const **wrcpts) ;
/* Streams the encoded message (CRLF, dot-stuffed, ending in ".\r\n") from m->fd's start to c.
   1 ok, 0 write failure or timeout, -1 read failure (errno set). */
extern int remote_message_send (rconn *c, rmsg const *m, unsigned int secs) ;
/* The same message in BDAT chunks (CRLF, no dot-stuffing), each chunk's reply read before the
   next (secs for each write and reply). 1: the last chunk ("BDAT n LAST") is sent, its reply
   not read yet, *code 0; or 1 with *code the non-2xx reply of an earlier chunk (in c->lines),
   nothing more sent; 0 write failure, timeout or no reply; -1 read failure (errno set). */
extern int remote_message_bdat (rconn *c, rmsg const *m, unsigned int secs, unsigned int *code) ;

#define MESSAGE_CHUNK 65536

/* params.c: the envelope's parameters (BERTH_MAILPARAMS, BERTH_RCPTPARAMS: doc/berth-remote.md
   "DSN and REQUIRETLS") into m (requiretls, dsn, dsnmail, dsnrcpt = rcpt, n entries), in store.
   A malformed DSN parameter is dropped and logged. 1, or 0 out of memory. */
#define PARAMS_MAIL "BERTH_MAILPARAMS"
#define PARAMS_RCPT "BERTH_RCPTPARAMS"
extern int remote_params_read (rmsg *m, stralloc *store, char const **rcpt, char const *mailp, char const *rcptp) ;
/* The message's header, fed in chunks: does it have "TLS-Required: No" (RFC 8689 5) */
typedef struct rhdr_s rhdr, *rhdr_ref ;
struct rhdr_s
{
  unsigned int state ;
  unsigned int k ;
  unsigned int vlen ;
  char val[4] ;
  int no ;
} ;
#define RHDR_ZERO { .state = 0, .k = 0, .vlen = 0, .no = 0 }
extern void remote_hdr_feed (rhdr *h, char const *s, size_t len) ;
extern int remote_hdr_end (rhdr *h) ;

/* reqtls.c: REQUIRETLS (RFC 8689 4.2.1) and TLS-Required: No (section 5) per address. apply:
   before connecting, after DANE and MTA-STS. tlsno: instead of DANE and MTA-STS. fail: a host
   that cannot meet REQUIRETLS (final D 5.7.30, rep->reqn, rep->reqwhy); returns 0. final: after
   every host, some of which could not meet it: D 5.7.30 when all of them, else Z. */
extern void remote_reqtls_apply (rconn *c, rmsg const *m) ;
extern void remote_tlsno_apply (rconn *c, rcfg const *cfg) ;
extern int remote_reqtls_fail (rreport *rep, rconn *c, char const *why, int said) ;
extern void remote_reqtls_final (rreport *rep, char const *host, int tempfail) ;

#endif
