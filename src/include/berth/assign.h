/* ISC license. */
/* users/assign (qmail-users(5)) and its compiled form users/assign.cdb.
   Keys: "=" + lowercased local (exact), "+" + lowercased prefix (wildcard).
   Data: "user\0uid\0gid\0homedir\0dash\0ext\0" (uid and gid in decimal).
   Trust: the assign file is the administrator's; its syntax is still checked strictly. */
#ifndef BERTH_ASSIGN_H
#define BERTH_ASSIGN_H

#include <stddef.h>
#include <sys/types.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>

#define ASSIGN_FILE "users/assign"
#define ASSIGN_CDB "users/assign.cdb"
#define ASSIGN_EXACT '='
#define ASSIGN_WILD '+'

/* One line (without its newline). Appends the cdb key to key and the data to data.
   1: ok; 0: bad syntax; -1: out of memory. */
extern int assign_parseline (char const *s, size_t len, stralloc *key, stralloc *data) ;

typedef struct assign_s assign, *assign_ref ;
struct assign_s
{
  uid_t uid ;
  gid_t gid ;
  size_t user ;   /* offsets into the caller's stralloc, each NUL-terminated */
  size_t home ;
  size_t dash ;
  size_t ext ;
} ;

/* Exact entry first, then the longest wildcard prefix of local. Fills a, appending the strings
   to sa; for a wildcard, ext is the entry's ext followed by the rest of local.
   1: found; 0: not found; -1: error (corrupt cdb or out of memory; errno set). */
extern int assign_lookup (cdb const *c, char const *local, assign *a, stralloc *sa) ;

#endif
