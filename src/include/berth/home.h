/* ISC license. */
/* The instance home: $BERTH_HOME, else the instance whose bin/ holds the program, else the
   compiled conf-home; set-uid/set-gid programs always get conf-home (libberth/berth_home.c),
   unless they chdir with berth_home_chdir (libberth/berth_home_chdir.c). */
#ifndef BERTH_HOME_H
#define BERTH_HOME_H

extern char const *berth_home (void) ;

/* chdir to the instance of a program that may run set-uid to the queue's owner: not set-uid,
   berth_home(); set-uid, the instance whose bin/ holds the binary when that directory is owned
   by root or the effective uid and its queue/ by the effective uid, else conf-home. It tells
   set-uid from the real ids: call it before changing them. 0 or -1 (errno set). */
extern int berth_home_chdir (void) ;

#endif
