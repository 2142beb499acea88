/* ISC license. */
/* RFC 5321 path and MAIL/RCPT parameter parsing for berth-smtpd.
   Trust: every byte comes from an SMTP peer; nothing is assumed, lengths are bounded. */
#ifndef BERTH_SMTPADDR_H
#define BERTH_SMTPADDR_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>

#define SMTPADDR_NULL 0x01      /* <> */
#define SMTPADDR_8BIT 0x02      /* bytes >= 0x80 somewhere (needs SMTPUTF8) */
#define SMTPADDR_QUOTED 0x04    /* the local part was a quoted string */
#define SMTPADDR_LITERAL 0x08   /* the domain is an address literal [..] */
#define SMTPADDR_ROUTE 0x10     /* a source route was given and stripped */
#define SMTPADDR_SPECIAL 0x20   /* the local part holds %, ! or @ (routing characters) */
#define SMTPADDR_NODOMAIN 0x40  /* no @domain: only <postmaster> is allowed by callers */

typedef struct smtpaddr_s smtpaddr, *smtpaddr_ref ;
struct smtpaddr_s
{
  size_t at ;          /* offset of the @ before the domain in the stored address, or len */
  unsigned int flags ;
} ;
#define SMTPADDR_ZERO { .at = 0, .flags = 0 }

/* Parses a path "<...>" at s (len bytes). The address (local part unquoted, source route
   removed) replaces sa's contents, NUL-terminated (the NUL not counted in sa->len).
   Returns the bytes consumed (up to and including '>'), 0 on a syntax error (errno EINVAL)
   or an address of QQ_ADDR_MAX bytes or more (errno ENAMETOOLONG), -1 on out of memory. */
extern ssize_t smtpaddr_parse (stralloc *sa, smtpaddr *a, char const *s, size_t len) ;

/* Checks a domain (sub-domains of letters, digits, hyphens, UTF-8 bytes) or an address
   literal ([1.2.3.4], [IPv6:...]). Returns 1 valid, 0 invalid; *literal says which. */
extern int smtpaddr_domain_ok (char const *s, size_t len, int *literal) ;

/* MAIL and RCPT parameters. */
#define SMTPPARAM_BODY_NONE 0
#define SMTPPARAM_BODY_7BIT 1
#define SMTPPARAM_BODY_8BITMIME 2

#define SMTPPARAM_OK 0
#define SMTPPARAM_SYNTAX 1      /* 501 5.5.4 */
#define SMTPPARAM_UNKNOWN 2     /* 555 5.5.4 */

#define SMTPPARAM_MAIL 0
#define SMTPPARAM_RCPT 1

typedef struct smtpparam_s smtpparam, *smtpparam_ref ;
struct smtpparam_s
{
  uint64_t size ;           /* SIZE=; UINT64_MAX when too big to represent */
  unsigned int hassize : 1 ;
  unsigned int smtputf8 : 1 ;
  unsigned int body : 2 ;
  unsigned int requiretls : 1 ;   /* MAIL REQUIRETLS (RFC 8689) */
  unsigned int dsn : 1 ;          /* any DSN parameter (RFC 3461) was given */
  unsigned int ret : 2 ;          /* MAIL RET=: ENVEXT_RET_* */
  unsigned int notify : 4 ;       /* RCPT NOTIFY=: ENVEXT_NOTIFY_* bits, 0 absent */
  char const *envid ;             /* MAIL ENVID= (xtext, checked), into the parsed text; 0 absent */
  size_t envidlen ;
  char const *orcpt ;             /* RCPT ORCPT= (checked), into the parsed text; 0 absent */
  size_t orcptlen ;
  unsigned int orcpt8 : 1 ;       /* ORCPT in RFC 6533's raw UTF-8 form (needs SMTPUTF8) */
} ;
#define SMTPPARAM_ZERO { .size = 0, .hassize = 0, .smtputf8 = 0, .body = SMTPPARAM_BODY_NONE, .requiretls = 0, .dsn = 0, .ret = 0, .notify = 0, .envid = 0, .envidlen = 0, .orcpt = 0, .orcptlen = 0, .orcpt8 = 0 }

/* Parses the text after the path: " KEY[=VALUE]" ... Returns SMTPPARAM_*. */
extern int smtpparam_parse (smtpparam *p, char const *s, size_t len, unsigned int verb) ;

/* The E (verb SMTPPARAM_MAIL) or R record's params for p (berth/envext.h), in the canonical order
   RET ENVID REQUIRETLS, or NOTIFY ORCPT, appended to sa (nothing when p has none): 1 or 0 (memory). */
extern int smtpparam_ext (stralloc *sa, smtpparam const *p, unsigned int verb) ;

#endif
