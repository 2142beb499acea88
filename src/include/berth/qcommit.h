/* ISC license. */
/* The queue commit (doc/queue.md, "Who writes" and the crash argument): the one implementation
   of the crash-critical write, used by both writers, berth-queue and berth-smtpd queueing in
   process. Every function returns 0 or qmail-queue's exit code (qq.h); on an exit code the
   files it made are already removed and nothing is committed. */
#ifndef BERTH_QCOMMIT_H
#define BERTH_QCOMMIT_H

#include <stddef.h>
#include <sys/types.h>
#include <berth/envelope.h>
#include <berth/queue.h>

/* What a writer knows of fsync on the queue's filesystem (queue_fsync_names), kept across the
   commits of one process: the answer (names) for the device dev, once known. The decision is
   per file: each message file's device is compared with dev, and another device is asked again.
   Its _ZERO is all-zero bytes. */
typedef struct qcommit_names_s qcommit_names ;
struct qcommit_names_s
{
  dev_t dev ;
  unsigned char known ;
  unsigned char names ;
} ;
#define QCOMMIT_NAMES_ZERO { .dev = 0, .known = 0, .names = 0 }

/* Which files a commit made: what an abort removes. */
#define QCOMMIT_MESS 1
#define QCOMMIT_INTD 2
#define QCOMMIT_TODO 4

typedef struct qcommit_s qcommit ;
struct qcommit_s
{
  char id[QUEUE_ID_MAX] ;
  char head[QUEUE_HEAD] ;   /* magic, u and p records, the envelope while it fits the header */
  size_t headlen ;
  envscan e ;               /* berth-queue's envelope check and limits */
  int fd ;                  /* mess/<id>: the message goes there from its offset on; -1 closed */
  int intdfd ;              /* intd/<id> while a big envelope streams there; -1 otherwise */
  unsigned int made ;       /* QCOMMIT_* */
  unsigned int limits ;     /* e's limits read from control/ */
  int envdone ;             /* the envelope's final NUL taken */
} ;
#define QCOMMIT_ZERO { .headlen = 0, .e = ENVSCAN_ZERO, .fd = -1, .intdfd = -1, .made = 0, .limits = 0, .envdone = 0 }

/* Reads the envelope limits (control/enveloperecipients, control/envelopebytes) once: 0 or
   QQ_CONFIG. qcommit_env calls it when the writer has not. */
extern int qcommit_limits (qcommit *) ;
/* The limits as a long-lived writer read them once (envelope_limits): no control file per message. */
extern void qcommit_limits_set (qcommit *, size_t maxrcpt, size_t maxbytes) ;

/* qcommit_start's how for a caller's uid: "invoked from network" for control/uidsmtpd's,
   "invoked for bounce" for control/uidsend's, "invoked by alias" for control/uidalias's, else 0
   (qq_invoked.c). */
extern char const *qq_invoked (uid_t uid) ;

/* S1 -> S2: mess/<id> (a pooled file or a new one, queue_mess_create), the Received line written
   after the header's room: "Received: (berth <pid> <how>); <date>", or "invoked by uid <uid>"
   when how is 0. id is made from the clock and the pid unless given (berth-bounce's <id>B);
   the envelope's u record is uid, its p record the pid. The message's bytes then go to q->fd. */
extern int qcommit_start (qcommit *q, char const *id, uid_t uid, char const *how) ;

/* The message from fd to its end into q->fd (after the Received line): 0, or QQ_READ, QQ_WRITE
   (nothing withdrawn yet: the caller aborts). qcommit_copy.c. */
extern int qcommit_copy (qcommit *q, int fd) ;

/* Envelope bytes as qmail-queue reads them on fd 1 (F, T..., final NUL), checked by envscan:
   *used says how many it took (it stops after the final NUL, then q->envdone is 1). Kept in
   the header while they fit with the seal, else streamed to intd/<id>. Over a limit:
   QQ_PERM_REFUSED, and envscan_text(&q->e) says which. */
extern int qcommit_env (qcommit *q, char const *s, size_t len, size_t *used) ;

/* S2 -> S3 -> S4: the header written and sealed (or an empty record list when the envelope went
   to intd/<id>, fsynced), the message file fsynced, mess/ fsynced unless the filesystem makes a
   new name durable with its file (names), the link into todo/ (or the rename of intd/<id>,
   also for a mess/ on another filesystem than todo/, then todo/ fsynced), the trigger. 0 means
   committed and durable. An envelope without its final NUL: QQ_ENVELOPE. */
extern int qcommit_finish (qcommit *q, qcommit_names *names) ;

/* Removes what q made and closes its files; nothing committed stays. Also after a failure. */
extern void qcommit_abort (qcommit *q) ;

/* An exit code for a failed create or write of a queue file: QQ_WRITE when the disk or the quota
   is full, else the code given (QQ_MESS, QQ_INTD). */
extern int qcommit_errcode (int code) ;

#endif
