/* ISC license. */
/* berth-inject's shared state and the jobs of its files.
   Trust: the message, the environment and argv come from the local user who runs it. */
#ifndef BERTH_INJECT_H
#define BERTH_INJECT_H

#include <stddef.h>
#include <sys/types.h>
#include <skalibs/buffer.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>

#define INJECT_HEADER_MAX 1048576   /* bytes of header held in memory; more: exit 100 */
#define INJECT_COPY_BUFSIZE 65536

/* recipient strategies (qmail-inject -a -h -A -H) */
#define RECIP_DEFAULT 0
#define RECIP_ARGS 1
#define RECIP_HEADER 2
#define RECIP_BOTH 3

/* header fields qmail-inject knows */
enum hfield_e
{
  H_OTHER, H_TO, H_CC, H_BCC, H_APPARENTLYTO, H_RETURNPATH, H_FROM, H_DATE, H_MESSAGEID,
  H_CONTENTLENGTH, H_R_TO, H_R_CC, H_R_BCC, H_R_SENDER, H_R_FROM, H_R_REPLYTO, H_R_DATE,
  H_R_MESSAGEID, H_NUM
} ;

typedef struct field_s field, *field_ref ;
struct field_s
{
  size_t pos ;    /* into inject.hdr: the whole field, continuation lines and newlines included */
  size_t len ;
  size_t body ;   /* offset of the field body from pos */
  int type ;
} ;

typedef struct inject_s inject, *inject_ref ;
struct inject_s
{
  int strategy ;
  int queue ;                 /* 0 with -n */
  int flagsender ;            /* -f given: sender is final */
  int namecomment, delreturnpath, delfrom, delmsgid, verprcpt, verpmess ;   /* QMAILINJECT c s f i r m */
  char const *mailhost, *mailuser, *mailrhost, *mailruser, *mailname ;
  stralloc defaultdomain, defaulthost, plusdomain, idhost ;
  stralloc hdr ;              /* the header as read */
  genalloc fields ;           /* field: one per header field, in order */
  stralloc sep ;              /* the line that ended the header ("\n", "\r\n", or "" at EOF / body start) */
  stralloc bodystart ;        /* a non-header line that started the body */
  int eof ;                   /* stdin ended inside the header */
  int seen[H_NUM] ;
  int resent ;
  stralloc sender ;           /* NUL-terminated once final */
  stralloc rargs ;            /* recipients from argv, NUL-terminated each */
  stralloc rhdr ;             /* from To, Cc, Bcc, Apparently-To */
  stralloc rresent ;          /* from Resent-To, Resent-Cc, Resent-Bcc */
  stralloc tmp ;
  time_t now ;
  unsigned long usec ;
  pid_t pid ;
} ;

/* header.c */
extern void header_read (inject *, buffer *) ;
extern void header_scan (inject *) ;

/* address.c */
extern void addr_rewrite (inject *, stralloc *, size_t) ;
extern void addr_args (inject *, char const *const *) ;
extern void addr_sender (inject *) ;
extern void addr_fromfield (inject *, stralloc *) ;

/* output.c */
extern int output_header (inject *, buffer *) ;
extern int output_body (inject *, buffer *, buffer *) ;

/* qq.c */
extern pid_t qq_start (int *msgfd, int *envfd, int *errfd) ;
extern void qq_finish (inject *, pid_t, int envfd, int errfd) gccattr_noreturn ;

/* selfdir.c */
extern void selfdir_prog (stralloc *, char const *) ;

#endif
