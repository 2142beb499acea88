/* ISC license. */
/* The one quoting rule of berth's key=value log lines. A value is written so that no byte of it
   can end the field or start another: every byte outside printable ASCII, the space, `\`, `=`
   and `"` becomes `\xHH` (two lower-case hex digits). A free-text value (a remote reply) may be
   written between double quotes with its spaces kept; inside, control bytes, bytes from 0x7f
   up, `\` and `"` are `\xHH`. So `key=value` and `key="text"` are the only two forms, and a
   parser splits a line on spaces outside quotes, then each token at its first `=`.
   doc/logging.md says it for administrators. */
#ifndef BERTH_LOGFIELD_H
#define BERTH_LOGFIELD_H

#include <stddef.h>
#include <skalibs/stralloc.h>

/* A number other than 0 in this control file turns on the debug lines (doc/logging.md): the
   spawners' own per-recipient lines besides berth-send's one line per delivery attempt. */
#define LOGFIELD_DEBUG_FILE "control/logdebug"

/* Appends " key=" and val[0..len) escaped to sa. 1 or 0 (out of memory). */
extern int logfield_cat (stralloc *sa, char const *key, char const *val, size_t len) ;
/* Appends " key=\"", val[0..len) escaped with spaces kept, "\"" to sa. 1 or 0. */
extern int logfield_catq (stralloc *sa, char const *key, char const *val, size_t len) ;

/* Reading a line back: the field at s[*pos] (a space, key, '=', then a word or a quoted text) as
   kv's key (pointing into s) and its value, every \xHH turned back into its byte, in val (its
   len reset). 1 and *pos past the field; 0 at the end (*pos == len); -1 when s[*pos..len) is
   not of the rule's form (or out of memory). */
typedef struct logfield_kv_s logfield_kv, *logfield_kv_ref ;
struct logfield_kv_s
{
  char const *key ;
  size_t keylen ;
} ;
extern int logfield_scan (char const *s, size_t len, size_t *pos, logfield_kv *kv, stralloc *val) ;

#endif
