/* ISC license. */
/* berth-setup -c, the install check: what its files share (check.c: owners, modes, services;
   waiting.c: the mailboxes of users with mail waiting). */
#ifndef BERTH_SETUP_CHECK_H
#define BERTH_SETUP_CHECK_H

#include <sys/types.h>
#include <skalibs/stralloc.h>

#define ANY_ID ((unsigned int)-1)

typedef struct inst_s inst, *inst_ref ;
struct inst_s
{
  char const *home ;
  int multi ;            /* HOME owned by root: berth-setup's multi-user mode */
  unsigned int n ;       /* problems found */
  uid_t admin, queue, remote, smtpd, log, alias ;
  gid_t qgid ;           /* the queue's group (P): the queue user and the remote user are in it */
  stralloc tmp ;
} ;

/* one problem line on stdout: "problem: PATH: A B" */
extern void check_problem (inst *x, char const *path, char const *a, char const *b) ;

/* the instance's users, owners, modes and services */
extern void check_install (inst *x) ;

/* for every user with local mail waiting in the queue: the Maildir berth-local would deliver to */
extern void check_waiting (inst *x) ;

/* the whole check of the instance at home, a summary line; the exit code: 0 clean, 1 problems */
extern int setup_check (char const *home) ;

#endif
