/* ISC license. */
/* Running the queue program for a server that got a whole envelope from its peer (QMQP, QMTP):
   qmail's qmail_open/qmail_close, as berth-smtpd does it (libberth/qqrun*.c). The program is
   $QMAILQUEUE if set and not empty, else berth-queue beside the running binary, else
   berth-queue from $PATH; it gets the message pipe on fd 0, the envelope pipe on fd 1 (written
   after the message), qmail's error pipe on fd 6 and berth's queue id pipe on fd QQRUN_IDFD
   (BERTH_IDFD). Trust: the queue program is trusted; its fd 6 text and its id are reduced to
   printable ASCII before a caller shows them to a peer. */
#ifndef BERTH_QQRUN_H
#define BERTH_QQRUN_H

#include <stddef.h>
#include <sys/types.h>
#include <skalibs/stralloc.h>

#define QQRUN_ERRFD 6     /* qmail's error pipe: a custom text with exit 82 */
#define QQRUN_IDFD 7      /* berth-queue writes the queue id there (BERTH_IDFD) */
#define QQRUN_TEXT_MAX 1024   /* a filter's own text, as berth-smtpd passes it on (up to 1000 bytes) */

typedef struct qqrun_s qqrun ;
struct qqrun_s
{
  pid_t pid ;
  int msgfd ;   /* the caller writes the message here */
  int envfd ;
  int errfd ;
  int idfd ;
} ;
#define QQRUN_ZERO { .pid = 0, .msgfd = -1, .envfd = -1, .errfd = -1, .idfd = -1 }

/* The queue program's path (in sa, which must outlive the call's use, or a string constant). */
extern char const *qqrun_prog (stralloc *sa) ;

/* Starts prog. 1, or 0 with errno set (nothing running, no fd open). Sets BERTH_IDFD. */
extern int qqrun_start (qqrun *q, char const *prog) ;

/* Closes the message pipe, writes the envelope (F from, T each of the n NUL-terminated
   recipients in rcpts, the final NUL), waits for the program. Returns its exit code (QQ_BUG
   for a signal); text (QQRUN_TEXT_MAX bytes) gets "" on success, else the report: the program's own D/Z text from fd 6
   after exit 82, else qq_text's; id gets the queue id ("" when none), printable ASCII. */
extern int qqrun_finish (qqrun *q, char const *from, char const *rcpts, size_t rcptslen, char *text, char *id, size_t idmax) ;
/* The same with the envelope already built (qq_envelope_ext: berth's extension records). */
extern int qqrun_finish_env (qqrun *q, char const *env, size_t envlen, char *text, char *id, size_t idmax) ;

/* Closes every pipe before the envelope's end, so the queue program gives up; waits for it. */
extern void qqrun_abort (qqrun *q) ;

#endif
