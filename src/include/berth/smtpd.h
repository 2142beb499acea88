/* ISC license. */
/* berth-smtpd's session state and the interfaces between its files.
   (In src/include so that the Makefile rebuilds every object when it changes.)
   Trust: everything in smtpd.in comes from the network peer; control files and the TCP*
   environment (set by tcpserver) are trusted. */
#ifndef BERTH_SMTPD_H
#define BERTH_SMTPD_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <skalibs/buffer.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>
#include <berth/qcommit.h>
#include <berth/qqrun.h>
#include <berth/queue.h>
#include <berth/rcptmap.h>
#include <berth/rewrite.h>
#include <skalibs/tai.h>
#include <berth/smtpaddr.h>

#define SMTPD_CMDLINE_MAX 1000        /* bytes, CRLF included (RFC 5321 minimum: 512) */
#define SMTPD_CMDLINE_DROP (1UL << 22)  /* bytes without a newline in command mode: session ends */
#define SMTPD_TEXTLINE_MAX 1000       /* bytes, CRLF included (RFC 5321 4.5.3.1.6) */
#define SMTPD_RCPT_MAX 100            /* RFC 5321 4.5.3.1.8 minimum */
#define SMTPD_HOPS_MAX 100            /* Received: + Delivered-To: lines allowed */
#define SMTPD_ERRORS_MAX 20           /* failed commands before the session is dropped */
#define SMTPD_TIMEOUT_DEFAULT 1200    /* control/timeoutsmtpd */
#define SMTPD_SESSION_DEFAULT 3600    /* control/timeoutsmtpdsession: whole session */
#define SMTPD_LOGFIELD_MAX 256
#define SMTPD_TLSINFO_MAX 4096        /* bytes of UCSPI-TLS handshake info read from SSLCTLFD */
#define SMTPD_TLSVAL_MAX 64           /* SSL_PROTOCOL / SSL_CIPHER values kept */
#define SMTPD_HANDSHAKE_TIMEOUT 60    /* seconds for the TLS handshake after STARTTLS */
#define SMTPD_AUTH_FAILS_MAX 3        /* failed AUTH attempts before the session is dropped */
#define SMTPD_AUTH_DELAY_MS 1000      /* pause before each AUTH failure reply */
#define SMTPD_CHECKPW_TIMEOUT 30      /* seconds the checkpassword program may take */
#define SMTPD_CHECKPW_FD 3            /* checkpassword(8) reads user\0pass\0stamp\0 there */

#define HELO_NONE 0
#define HELO_HELO 1
#define HELO_EHLO 2

/* qq.c: the queue transaction of one message */
typedef struct smtpd_qq_s smtpd_qq ;
struct smtpd_qq_s
{
  qqrun r ;                     /* not direct: the queue program (libberth's qqrun) */
  int msgfd ;                   /* where the message goes: r's pipe, or qc's file */
  int direct ;                  /* qdirect.c writes the queue files itself */
  int failed ;                  /* the message could not be written whole: do not commit */
  qcommit qc ;                  /* direct: the commit, its id */
  int writer ;                  /* through berth-qwriter (qwriter.c): msgfd is the pipe to it */
  int wcode ;                   /* writer: its answer to the start, a qmail-queue exit code */
  int *wconn ;                  /* writer: the session's connection to it (smtpd.qwfd) */
} ;

/* msg.c: the message being stored, for DATA and BDAT alike: the header scan (hop count,
   submission fields), databytes, line length, streamed to the queue through buf. */
#define SMTPD_QBUF_SIZE 16384   /* the peer's reads come 8 KiB at a time: a larger buffer only costs resident memory */
typedef struct smtpd_msg_s smtpd_msg ;
struct smtpd_msg_s
{
  smtpd_qq q ;
  buffer b ;              /* to q.msgfd */
  size_t linelen ;        /* wire bytes of the current line, CRLF included */
  uint64_t size ;         /* bytes as stored, LF endings */
  unsigned int hops ;
  int inheader ;
  unsigned int hs ;       /* where the header scanner is in the current line */
  int prevfield ;         /* the previous header line was a field: WSP continues it */
  int submit ;            /* authenticated: add Date:/Message-ID: if missing */
  unsigned int have ;     /* SUBMIT_HAVE_* seen */
  size_t holdlen ;
  char hold[SMTPD_TEXTLINE_MAX] ;
  int toolong ;
  int toobig ;
  int writeerr ;
  int cr ;                /* BDAT: the last byte so far is a CR (a chunk may end between CR and LF) */
  int bare ;              /* BDAT: a CR or LF outside CRLF was seen */
  unsigned int chunks ;   /* BDAT: chunks taken; 0 for DATA */
  char buf[SMTPD_QBUF_SIZE] ;
} ;

/* reuse.c: berth-listen -m, a process serving sessions one after another. A session leaves the
   next nothing but where to go back to. */
typedef struct smtpd_reuse_s smtpd_reuse ;
struct smtpd_reuse_s
{
  sigjmp_buf back ;   /* smtpd_serve's return, after a clean end */
} ;

typedef struct smtpd_s smtpd, *smtpd_ref ;
struct smtpd_s
{
  int infd ;                   /* 0; after STARTTLS, SSLREADFD moved to 0 */
  int outfd ;                  /* 1; after STARTTLS, SSLWRITEFD moved to 1 */
  buffer in ;
  buffer out ;
  char inbuf[BUFFER_INSIZE] ;
  char outbuf[BUFFER_OUTSIZE] ;
  tain cmdtimeout ;
  tain sessionend ;

  /* configuration, read once per session */
  stralloc me ;
  stralloc greeting ;
  stralloc localiphost ;
  stralloc rcpthosts ;         /* NUL-separated lines */
  stralloc badmailfrom ;       /* NUL-separated lines */
  cdb morercpthosts ;
  int hasmore ;
  uint64_t databytes ;         /* 0: no limit */
  char const *remoteip ;
  char const *remotehost ;
  char const *remoteinfo ;
  char const *localhost ;
  char const *localip ;
  char const *relayclient ;
  char const *queueprog ;
  int qdirect ;                 /* no $QMAILQUEUE and we own the queue: smtpd_qd_* (1, 0: no) */
  int envext ;                  /* the queue program takes E and R records: DSN, REQUIRETLS offered */
  int envlimits ;               /* qdirect: the envelope limits below were read at the start (1) */
  size_t envmaxrcpt, envmaxbytes ;
  qcommit_names qnames ;        /* qdirect: the fsync decision kept across messages (qcommit.h) */
  smtpd_reuse *reuse ;          /* berth-listen -m: the process may serve the next session, else 0 */
  int slotfd ;                  /* the session slot's lock (slots.c), -1 when none */
  struct smtpd_qq_s *qd ;       /* during DATA: the queue transaction, withdrawn by smtpd_exit */
  stralloc qqpath ;
  char const *qwpath ;          /* $BERTH_QWRITER when usable (qwriter.c), else 0 */
  int qwfd ;                    /* the connection to berth-qwriter, -1 when none */
  int qwdown ;                  /* the writer refused or failed a start: berth-queue from now on */
  int requiretls ;             /* control/requiretls or $REQUIRETLS: MAIL needs TLS */
  int requireauth ;            /* control/requireauth or $REQUIREAUTH: MAIL needs AUTH */
  int authloopback ;           /* control/authloopback and a loopback peer: AUTH in clear */
  stralloc checkpw ;           /* control/checkpassword or $CHECKPASSWORD; empty: no AUTH */
  int rcptcheck ;              /* control/rcptcheck: unknown local recipients refused at RCPT */
  rewrite rw ;                 /* rcptcheck: locals, virtualdomains, as berth-send classifies */
  rcptmap rmap ;               /* rcptcheck: users/recipients.cdb, when mapwhy is 0 */
  char const *mapwhy ;         /* rcptcheck: why the map is not used (log reason), or 0 */

  /* TLS (UCSPI-TLS: berth-tlsd / s6-ucspitlsd); the fds are -1 when absent or given up */
  int ctlfd ;
  int tlsproxy ;   /* BERTH_TLSPROXYFD (berth-tlsd -P beside berth-listen), else -1 */
  int sslrfd ;
  int sslwfd ;
  int tls ;                    /* TLS active: after STARTTLS, or implicit (SSL_PROTOCOL at start) */
  char tlsproto[SMTPD_TLSVAL_MAX] ;
  char tlscipher[SMTPD_TLSVAL_MAX] ;

  /* AUTH (RFC 4954) */
  int authed ;
  unsigned int authfails ;
  stralloc authuser ;
  char const *authtype ;       /* the mechanism that succeeded (a string constant: PLAIN, LOGIN) */

  /* session */
  stralloc helo ;
  unsigned int helomode ;
  unsigned int errors ;
  unsigned int ntx ;
  unsigned int naccepted ;
  stralloc line ;
  stralloc tmp ;
  char sid[64] ;

  /* transaction */
  int hasmail ;
  stralloc mailfrom ;
  smtpparam mparam ;
  stralloc mailparams ;        /* MAIL's ESMTP parameters as the peer wrote them (BERTH_MAIL_PARAMS) */
  stralloc rcpts ;             /* NUL-separated, RELAYCLIENT already appended */
  stralloc mparams ;           /* the E record's params (NUL-terminated; empty: none) */
  stralloc rparams ;           /* one NUL-terminated R record's params per recipient (may be empty) */
  unsigned int nrcpt ;
  int bdat ;                   /* a BDAT message is open in msg (RFC 3030): DATA and RCPT refused */
  int bdatfail ;               /* a BDAT chunk failed: pipelined chunks after it are discarded */
  smtpd_msg msg ;              /* the message of DATA, or of BDAT across its chunks */
} ;

/* io.c, getcmd.c */
extern void smtpd_main (void) gccattr_noreturn ;   /* one session on fd 0/1 */
/* berth-smtpd.c, reuse.c: one session on fd 0/1, in a process that may serve more. Returns 1
   after a clean end (QUIT, or EOF between transactions), fds 0 and 1 closed and everything the
   session held released; any other end exits the process, as smtpd_main's do. */
extern int smtpd_serve (smtpd_reuse *) ;
extern void smtpd_reuse_end (smtpd *, char const *reason, int flushed) ;   /* returns when not reusable */
extern void smtpd_io_init (smtpd *) ;
extern int smtpd_fill (smtpd *) ;                  /* 1 data; dies on timeout, EOF, error */
extern int smtpd_getcmd (smtpd *) ;  /* 1 line in s->line (NUL-terminated); 0 too long; -1 NUL in it */
extern void smtpd_put (smtpd *, char const *, size_t) ;
extern void smtpd_puts (smtpd *, char const *) ;
extern void smtpd_reply (smtpd *, char const *) ;  /* one full reply, CRLF added */
extern void smtpd_flush (smtpd *) ;
extern void smtpd_exit (smtpd *, char const *reason) gccattr_noreturn ;
extern void smtpd_drop (smtpd *, char const *reply, char const *reason) gccattr_noreturn ;

/* slots.c */
extern int smtpd_slot (int *fd) ;   /* 1 slot held (its lock in *fd) or no limit, 0 all taken */

/* config.c */
extern void smtpd_config (smtpd *) ;

/* tls.c */
extern void smtpd_tls_init (smtpd *) ;               /* UCSPI-TLS fds, implicit-TLS environment */
extern int smtpd_tls_offered (smtpd const *) ;
extern void smtpd_tls_decline (smtpd *) ;            /* closes the UCSPI-TLS fds: no STARTTLS */
extern void smtpd_starttls (smtpd *, char const *arg, size_t len) ;
extern char const *smtpd_proto (smtpd const *) ;     /* SMTP ESMTP ESMTPS ESMTPA ESMTPSA UTF8SMTP... */

/* auth.c, checkpw.c */
extern int smtpd_auth_offered (smtpd const *) ;
extern void smtpd_auth (smtpd *, char const *arg, size_t len) ;
/* 1 good, 0 bad credentials, -1 temporary failure */
extern int smtpd_checkpw (smtpd const *, char const *user, size_t ulen, char const *pass, size_t plen) ;

/* submit.c */
#define SUBMIT_HAVE_DATE 1
#define SUBMIT_HAVE_MSGID 2
extern unsigned int smtpd_submit_field (char const *name, size_t len) ;   /* SUBMIT_HAVE_* or 0 */
extern int smtpd_submit_headers (smtpd const *, unsigned int have, stralloc *) ;   /* the missing lines */

/* relay.c */
extern int smtpd_rcpthosts (smtpd const *, char const *domain, size_t len) ;
extern int smtpd_badmailfrom (smtpd const *, char const *addr, size_t len) ;
extern int smtpd_literal_local (smtpd const *, char const *lit, size_t len) ;

/* rcptcheck.c: 1 accepted, 0 refused (replied and logged) */
extern int smtpd_rcptcheck (smtpd *, char const *addr, size_t len) ;

/* verbs.c, mailrcpt.c */
/* Reads and runs commands until the session ends (smtpd_exit). */
extern void smtpd_loop (smtpd *) gccattr_noreturn ;
extern void smtpd_dispatch (smtpd *, char *line, size_t len) ;
extern void smtpd_rset (smtpd *) ;
extern void smtpd_mail (smtpd *, char const *arg, size_t len) ;
extern void smtpd_rcpt (smtpd *, char const *arg, size_t len) ;

/* data.c, bdat.c */
extern void smtpd_data (smtpd *, char const *arg, size_t len) ;
extern void smtpd_bdat (smtpd *, char const *arg, size_t len) ;
extern void smtpd_bdat_abort (smtpd *) ;   /* an open BDAT message is withdrawn (RSET, EHLO...) */

/* msg.c. start: a new transaction (ntx, sid), the queue opened, the Received line written;
   0 when the queue cannot start (replied, logged, reset). emit: one byte as stored (LF line
   ends) through the header scanner; run: the bytes of a body line up to the next CR or LF
   (counted, stored), how many. check: 0 when the message broke a limit so far (the
   transaction is refused: replied, logged, reset). finish: the end of the message: the
   missing submission fields, the checks, the commit, the reply, the log, the reset. */
extern int smtpd_msg_start (smtpd *, smtpd_msg *) ;
extern void smtpd_msg_emit (smtpd *, smtpd_msg *, char) ;
extern size_t smtpd_msg_run (smtpd const *, smtpd_msg *, char const *, size_t) ;
extern int smtpd_msg_check (smtpd *, smtpd_msg *) ;
extern void smtpd_msg_refuse (smtpd *, smtpd_msg *, char const *reply, char const *reason) ;
extern void smtpd_msg_finish (smtpd *, smtpd_msg *) ;

/* qq.c */
extern int smtpd_qq_start (smtpd *, smtpd_qq *) ;
extern int smtpd_envelope (smtpd const *, stralloc *) ;   /* fd 1's envelope for this transaction */
extern void smtpd_qq_abort (smtpd_qq *) ;
/* Writes the envelope, waits; fills reply (a full reply line) and qid. Returns 1 accepted. */
extern int smtpd_qq_finish (smtpd *, smtpd_qq *, stralloc *reply, char *qid, size_t qidmax) ;

/* qwriter.c: the queue entry through berth-qwriter (berth/qwriter.h), multi-user instances */
extern char const *smtpd_qw_path (void) ;
extern int smtpd_qw_start (smtpd *, smtpd_qq *) ;
extern void smtpd_qw_abort (smtpd_qq *) ;
extern int smtpd_qw_finish (smtpd const *, smtpd_qq *, char *text, char *id, size_t idmax) ;

/* qdirect.c: berth-queue's protocol in process, when we are the queue's owner (doc/queue.md) */
extern int smtpd_qd_usable (void) ;   /* once per session: 1 in process, 0 not */
extern int smtpd_qd_start (smtpd_qq *) ;
extern void smtpd_qd_abort (smtpd_qq *) ;
extern int smtpd_qd_finish (smtpd *, smtpd_qq *) ;

/* received.c */
extern void smtpd_sid (smtpd *) ;                       /* a fresh transaction id in s->sid */
extern int smtpd_received (smtpd const *, stralloc *) ; /* the Received line, LF-terminated */

/* log.c */
extern void smtpd_log_cat (stralloc *, char const *key, char const *val, size_t len) ;
extern void smtpd_log_tx (smtpd *, char const *status, char const *qid, uint64_t size, char const *reason) ;
extern void smtpd_log_session (smtpd *, char const *reason) ;
extern void smtpd_log_auth (smtpd *, char const *mech, char const *user, size_t ulen, char const *result) ;
extern void smtpd_log_tls (smtpd *, char const *result) ;
extern void smtpd_log_rcpt (smtpd *, char const *status, char const *rcpt, size_t len, char const *reason) ;

#endif
