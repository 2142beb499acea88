/* ISC license. */
/* The recipients map, users/recipients.cdb: what berth-smtpd needs to refuse, at RCPT, a local
   address that local delivery would bounce, without reading passwd or anybody's home. Built as
   root (or the owner of a single-user instance) by berth-newu, berth-reload and berth-setup;
   read by berth-smtpd (unprivileged) when control/rcptcheck exists. doc/control.md, "Recipient
   check", has the whole story.
   Keys (every one starts with a tag byte):
     '=' '+'      users/assign.cdb's records, copied as they are (berth/assign.h)
     'p' NAME     a passwd user who claims mail as qmail-getpw says; data: the home directory
     'a'          the instance's alias home (absolute HOME/alias)
     'h' HOME     a home whose .qmail files are listed below; data "" (listed) or "?" (could not
                  be read: every address of that home is accepted)
     'f' HOME/N   a file N (".qmail...") exists in HOME
     't'          when the build started: "SEC.NSEC" (unix time); a source newer than that
                  makes the map stale
   The lookup (rcptmap_check) follows berth-lspawn's order (users/assign, passwd, alias; the
   same code: assign_lookup, berth/userpart.h) and berth-local's .qmail names (berth/qmename.h).
   Trust: the builder reads what the administrator and the users own, and only lists names;
   the reader trusts the map (the administrator's). */
#ifndef BERTH_RCPTMAP_H
#define BERTH_RCPTMAP_H

#include <stddef.h>
#include <time.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>

#define RCPTMAP_FILE "users/recipients.cdb"
#define RCPTMAP_TMP "users/recipients.cdb.tmp"
#define RCPTMAP_CONTROL "control/rcptcheck"
#define RCPTMAP_PASSWD "/etc/passwd"
#define RCPTMAP_ALIAS_DIR "alias"

#define RCPTMAP_TAG_PASSWD 'p'
#define RCPTMAP_TAG_ALIAS 'a'
#define RCPTMAP_TAG_HOME 'h'
#define RCPTMAP_TAG_FILE 'f'
#define RCPTMAP_TAG_TIME 't'
#define RCPTMAP_HOME_UNREAD "?"

/* Builds RCPTMAP_FILE in the instance home (the cwd): written to RCPTMAP_TMP, fsynced, renamed,
   users/ fsynced. A multi-user instance (its home owned by root) lists every passwd user; a
   single-user one only its owner (the home's owner), as berth-lspawn asks. 1, or 0 with errno
   set (nothing replaced). */
extern int rcptmap_build (void) ;

typedef struct rcptmap_s rcptmap, *rcptmap_ref ;
struct rcptmap_s
{
  cdb c ;
  struct timespec built ;
} ;
#define RCPTMAP_ZERO { .c = CDB_ZERO, .built = { 0, 0 } }

/* 1 opened; 0 with errno: ENOENT no map, EPROTO not a map, else the open's error. */
extern int rcptmap_open (rcptmap *m, char const *file) ;
extern void rcptmap_close (rcptmap *m) ;

/* 1 when a source of the map (users/assign.cdb, passwd, a home it listed) is newer than it, 0
   when not, -1 when the map is corrupt */
extern int rcptmap_stale (rcptmap const *m) ;
/* 1 when path changed at or after t, or cannot be looked at (but exists); 0 when older or absent */
extern int rcptmap_newer (char const *path, struct timespec const *t) ;

#define RCPTMAP_NO 0       /* local delivery would bounce it */
#define RCPTMAP_YES 1      /* deliverable, or not knowable from the map */
#define RCPTMAP_STALE 2    /* the map says no, but a source it came from is newer than it */

/* local: the local part as berth-lspawn gets it (after locals and virtualdomains), any case.
   RCPTMAP_*, or -1 (errno: EPROTO corrupt map, ENOMEM). */
extern int rcptmap_check (rcptmap const *m, char const *local, size_t len) ;

#endif
