/* ISC license. */
/* The instance home: $BERTH_HOME, else the instance whose bin/ holds the program, else the
   compiled conf-home; set-uid/set-gid programs always get conf-home (libberth/berth_home.c). */
#ifndef BERTH_HOME_H
#define BERTH_HOME_H

extern char const *berth_home (void) ;

#endif
