/* ISC license. */
/* Incremental check of a qmail-queue envelope: F<sender>\0 [E<params>\0] (T<rcpt>\0 [R<params>\0])* \0
   (the E and R records: berth/envext.h, doc/queue.md; no control byte in an address), and berth's limits
   on its size (control/enveloperecipients, control/envelopebytes: doc/berth-queue.md).
   Trust: the bytes come from any local caller of berth-queue; nothing is assumed. */
#ifndef BERTH_ENVELOPE_H
#define BERTH_ENVELOPE_H

#include <stddef.h>
#include <sys/types.h>

typedef struct envscan_s envscan, *envscan_ref ;
struct envscan_s
{
  unsigned int state ;
  size_t addrlen ;
  size_t nrcpt ;
  size_t bytes ;       /* fed so far, final NUL included */
  size_t maxrcpt ;     /* 0: no limit */
  size_t maxbytes ;    /* 0: no limit */
  unsigned char over ; /* which limit refused it: ENVSCAN_OVER_* */
} ;
#define ENVSCAN_ZERO { .state = 0, .addrlen = 0, .nrcpt = 0, .bytes = 0, .maxrcpt = 0, .maxbytes = 0, .over = 0 }

#define ENVSCAN_OVER_RCPTS 1
#define ENVSCAN_OVER_BYTES 2

/* The limits' control files and defaults (Postfix-like: a mailing list of 10,000 fits). */
#define ENVELOPE_RCPTS_FILE "control/enveloperecipients"
#define ENVELOPE_BYTES_FILE "control/envelopebytes"
#define ENVELOPE_RCPTS_DEFAULT 10000
#define ENVELOPE_BYTES_DEFAULT 1048576

/* Feed len bytes. Returns the number of bytes that belong to the envelope.
   *done is set to 1 when the final NUL has been consumed (the return value then stops there).
   On a format error returns -1 and sets *code (QQ_ENVELOPE or QQ_ADDR_TOO_LONG); over a limit
   set in e, returns -1 with *code QQ_PERM_REFUSED and e->over saying which. */
extern ssize_t envscan_feed (envscan *e, char const *s, size_t len, int *done, int *code) ;

/* Reads both limits from the control files (cwd = the instance). 0 ok, -1 unreadable or not a
   number (errno); a value of 0 or an absent file means the default. */
extern int envelope_limits (size_t *maxrcpt, size_t *maxbytes) ;

/* Sets e's limits from the control files: 0 ok, -1 (errno) as envelope_limits. */
extern int envscan_limits (envscan *e) ;

/* The permanent text (qmail-queue's fd 6 form: 'D', then the text) for a refusal by e. */
extern char const *envscan_text (envscan const *e) ;

#endif
