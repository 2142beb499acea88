/* ISC license. */
/* qmail-send's recipient classification: envnoathost, percenthack, locals, virtualdomains.
   Trust: the address comes from a committed envelope (any local user); control lists from the admin. */
#ifndef BERTH_REWRITE_H
#define BERTH_REWRITE_H

#include <skalibs/stralloc.h>

#define REWRITE_LOCAL 'L'
#define REWRITE_REMOTE 'R'

typedef struct rewrite_s rewrite, *rewrite_ref ;
struct rewrite_s
{
  stralloc envnoathost ;  /* NUL-terminated */
  stralloc locals ;       /* NUL-separated lines, as control_readlines gives them */
  stralloc percenthack ;
  stralloc vdoms ;        /* "key:prepend" lines */
} ;
#define REWRITE_ZERO { .envnoathost = STRALLOC_ZERO, .locals = STRALLOC_ZERO, .percenthack = STRALLOC_ZERO, .vdoms = STRALLOC_ZERO }

/* Classifies addr; out gets the rewritten address (NUL-terminated, len excludes the NUL).
   Returns REWRITE_LOCAL or REWRITE_REMOTE, 0 on allocation failure. */
extern int rewrite_rcpt (stralloc *out, char const *addr, rewrite const *rw) ;

/* Case-insensitive lookup of key in NUL-separated lines; with sep, a line matches when its part
   before the first sep equals key and *value points after the sep. Returns 1 found, 0 not. */
extern int rewrite_lookup (char const *lines, size_t len, char const *key, size_t keylen, char sep, char const **value) ;

#endif
