/* ISC license. */
/* What a null client's berth-queue does (qq_qmqp.c), in the instance berth_home_chdir chose. */
#ifndef BERTH_QQ_QMQP_H
#define BERTH_QQ_QMQP_H

#include <sys/types.h>

/* In that instance: without control/qmqpservers, 0 (queue here). With it, gives up set-uid for
   the caller's uid and gid, execs berth-qmqpc beside this binary with BERTH_HOME set to this
   instance, and returns only on failure: a qmail-queue exit code (QQ_CONFIG when the file's
   existence cannot be told, QQ_NOMEM, QQ_BUG, QQ_EXEC_FAILED). */
extern int qq_qmqp (uid_t uid, gid_t gid) ;

#endif
