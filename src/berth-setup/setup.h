/* ISC license. */
/* berth-setup's internal helpers: create-if-missing, owned by the role that uses each part. */
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

#define ROLE_PREFIX_MAX 20
#define ROLE_NAME_MAX (ROLE_PREFIX_MAX + 8)

/* Who owns, and who runs, each part of the instance. Single-user mode: the owner everywhere.
   Multi-user mode (doc/berth-setup.md): root owns what only the administrator edits. */
typedef struct roles_s roles, *roles_ref ;
struct roles_s
{
  owner admin ;    /* HOME, control/, users/, service/, bin/ */
  owner queue ;    /* queue/; berth-queue is set-uid to it; berth-send runs as it */
  owner remote ;   /* berth-rspawn, berth-remote; queue/lock/tcpto */
  owner smtpd ;    /* the smtpd, submission and smtps services */
  owner log ;      /* the loggers; log/NAME */
  owner alias ;    /* alias/: deliveries to addresses nobody else claims */
  int multi ;
  char names[5][ROLE_NAME_MAX] ;   /* multi-user: the user names the owners point to */
} ;

typedef struct services_s services, *services_ref ;
struct services_s
{
  char const *home ;     /* absolute */
  char const *bindir ;   /* absolute: where the run scripts find the programs */
  char const *addrs ;    /* comma-separated listen addresses */
  char const *port ;
  char const *qmqpservers ;  /* -Q: a null client's hubs, comma-separated; 0: not a null client */
  int qmqpd ;                /* -q: the qmqpd service */
  int qmtpd ;                /* -t: the qmtpd service */
} ;

extern void setup_say (char const *, char const *, char const *) ;
extern void own (char const *, owner const *) ;
extern int mkdir_own (char const *, mode_t, owner const *) ;      /* 1: made now */
extern int file_default (char const *, char const *, mode_t, owner const *) ;   /* 1: made now */
extern int file_sync (char const *, char const *, size_t, mode_t, owner const *) ;   /* 1: written */
extern void setup_services (services const *, roles const *) ;
/* services.c, for netsvc.c: a service directory, and one of its conf/ values */
extern void service_dir (char const *name, char const *run, services const *sv, roles const *r, char const *ownername) ;
extern void conf_value (char const *svc, char const *key, char const *value, owner const *o) ;
/* netsvc.c: -Q, -q, -t */
extern void setup_netsvc (services const *sv, roles const *r) ;
extern int users_prefix_ok (char const *) ;
extern void setup_users (roles *, char const *, char const *) ;
extern void setup_bin (char const *, owner const *, owner const *) ;

#endif
