/* ISC license. */
/* The instance home: $BERTH_HOME unless set-uid/set-gid, else the compiled conf-home. */
#ifndef BERTH_HOME_H
#define BERTH_HOME_H

extern char const *berth_home (void) ;

#endif
