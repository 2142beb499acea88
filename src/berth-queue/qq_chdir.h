/* ISC license. */
/* berth-queue's choice of instance directory (qq_chdir.c), and what a null client's does
   (qq_qmqp.c). */
#ifndef BERTH_QQ_CHDIR_H
#define BERTH_QQ_CHDIR_H

#include <sys/types.h>

/* chdir to the instance berth-queue serves; 0 or -1 (errno set). */
extern int qq_chdir (void) ;

/* In that instance: without control/qmqpservers, 0 (queue here). With it, gives up set-uid for
   the caller's uid and gid, execs berth-qmqpc beside this binary with BERTH_HOME set to this
   instance, and returns only on failure: a qmail-queue exit code (QQ_CONFIG when the file's
   existence cannot be told, QQ_NOMEM, QQ_BUG, QQ_EXEC_FAILED). */
extern int qq_qmqp (uid_t uid, gid_t gid) ;

#endif
