/* ISC license. */
/* berth-setup's internal helpers: create-if-missing, owned by the instance owner. */
#ifndef BERTH_SETUP_H
#define BERTH_SETUP_H

#include <sys/types.h>

typedef struct owner_s owner, *owner_ref ;
struct owner_s
{
  uid_t uid ;
  gid_t gid ;
  int chown ;
  char const *name ;
} ;

typedef struct services_s services, *services_ref ;
struct services_s
{
  char const *home ;     /* absolute */
  char const *bindir ;   /* absolute */
  char const *addrs ;    /* comma-separated listen addresses */
  char const *port ;
} ;

extern void own (char const *, owner const *) ;
extern void mkdir_own (char const *, mode_t, owner const *) ;
extern void file_default (char const *, char const *, mode_t, owner const *) ;
extern void setup_services (services const *, owner const *) ;

#endif
