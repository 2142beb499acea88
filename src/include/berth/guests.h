/* ISC license. */
/* The entry points of the programs whose code runs inside a spawner's process (doc/guests.md),
   declared once: the program's own main.c and the host that runs it both include this, so a
   signature that drifts does not link. Trust: the host's argv is built as the program's would be. */
#ifndef BERTH_GUESTS_H
#define BERTH_GUESTS_H

/* berth-local (liblocal.a): the whole program; berth-lspawn runs it in a forked child when not
   root, and local_serve, its kept form: local_main, then more jobs from the control socket ctl */
#define LOCAL_ARGS 8   /* qmail-local's words after "--": user homedir local dash ext domain sender default */
extern int local_main (int argc, char const *const *argv) ;
extern int local_serve (int argc, char const *const *argv, int ctl) ;

/* berth-remote (libremote.a): the program (main.c); remote_serve is berth-rspawn's forked
   child: the same first job, then more jobs for the same host on the connection kept, through
   the control socket ctl (doc/berth-rspawn.md, "Connection reuse") */
extern int remote_main (int argc, char const *const *argv) ;
extern int remote_serve (int argc, char const *const *argv, int ctl) ;

#endif
