/* ISC license. */
/* berth-local's internal interface: one file per delivery kind.
   Trust: runs as the recipient; .qmail files are the recipient's, the message is untrusted. */
#ifndef BERTH_LOCAL_INTERNAL_H
#define BERTH_LOCAL_INTERNAL_H

#include <stddef.h>
#include <skalibs/gccattributes.h>
#include <skalibs/stralloc.h>
#include <berth/guests.h>

/* local_main, local_serve (serve.c) and LOCAL_ARGS: berth/guests.h, shared with berth-lspawn */

#define LOCAL_USAGE "berth-local [ -nN ] -- user homedir local dash ext domain sender defaultdelivery"
#define LOCAL_OK 0
#define LOCAL_PERM 100
#define LOCAL_TEMP 111

/* The lines every delivery needs, each ending in "\n". */
typedef struct lines_s lines, *lines_ref ;
struct lines_s
{
  char const *dt ; size_t dtlen ;   /* Delivered-To: local@domain */
  char const *rp ; size_t rplen ;   /* Return-Path: <sender> */
  char const *uf ; size_t uflen ;   /* From sender date (mbox) */
} ;

/* Prints the strings (NULL-terminated list) and a newline on stdout, exits with e. */
extern void local_say_die (int e, ...) gccattr_noreturn ;
/* the enhanced status code of a failed write or sync for its errno: a full file system #4.3.1
   (mail system full), a quota #4.2.2 (mailbox full), anything else #4.3.0 (RFC 3463) */
extern char const *local_errcode (int e) ;
/* Prints the strings and a newline on stdout. */
extern void local_say (char const *s, ...) ;

/* qmline.c: the kinds of .qmail lines */
#define QML_BLANK 0
#define QML_COMMENT 1
#define QML_MBOX 2       /* starts with '.' or '/' */
#define QML_MAILDIR 3    /* the same, ending in '/' */
#define QML_PROG 4       /* "|command" */
#define QML_LIST 5       /* "+list": forward-only from here on */
#define QML_IGNORE 6     /* any other '+' line */
#define QML_FORWARD 7    /* "&address" or "address" */
/* s[0..len) is one line, s[len] its (writable) newline. NUL-terminates the line at len and over
   its trailing blanks; *arg: the file, program or address. Returns QML_*. */
extern unsigned int local_qmail_line (char *s, size_t len, char **arg) ;

/* Notes where the message begins on fd 0 (its offset at start). */
extern void local_mess_init (void) ;
/* Rewinds the message (fd 0) to there; dies 111 on error. */
extern void local_mess_rewind (void) ;
/* A descriptor holding the message from its offset 0, for a program: fd 0 rewound when the
   message starts at 0 there, else a memory file with a copy (the caller closes it); -1 on error. */
extern int local_mess_standalone (void) ;
/* Copies the message from fd 0 (rewound) to fd. 0 ok, -1 read error, -2 write error. */
extern int local_mess_copy (int fd) ;

/* q: a per-process counter making the file name unique */
extern void local_deliver_maildir (char const *dir, lines const *l, unsigned int q) ;
extern void local_deliver_mbox (char const *fn, lines const *l) ;
/* Runs cmd with env (NAME=value\0 entries) and PROG_PATH as its whole environment. Returns 1 if
   the program exited 99 (skip the rest), else 0; dies on failure. */
#define PROG_PATH "PATH=/usr/local/bin:/usr/bin:/bin"
extern int local_deliver_prog (char const *cmd, stralloc const *env) ;
/* recips: n NUL-terminated addresses one after another. Prints "qp N" into qp. */
extern void local_deliver_forward (char const *sender, char const *recips, size_t len, unsigned int n, lines const *l, unsigned long *qp) ;

#endif
