/* ISC license. */
/* berth-queue's choice of instance directory (qq_chdir.c). */
#ifndef BERTH_QQ_CHDIR_H
#define BERTH_QQ_CHDIR_H

/* chdir to the instance berth-queue serves; 0 or -1 (errno set). */
extern int qq_chdir (void) ;

#endif
