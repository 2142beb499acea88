/* ISC license. */
/* qmail-queue(8)'s exit codes, and the texts its callers report for them (qmail.c). */
#ifndef BERTH_QQ_H
#define BERTH_QQ_H

#include <stddef.h>
#include <skalibs/stralloc.h>

#define QQ_OK 0
#define QQ_ADDR_TOO_LONG 11
#define QQ_PERM_REFUSED 31
#define QQ_NOMEM 51
#define QQ_TIMEOUT 52
#define QQ_WRITE 53
#define QQ_READ 54
#define QQ_CONFIG 55
#define QQ_NETWORK 56
#define QQ_HOME 61
#define QQ_QUEUE 62
#define QQ_PID 63
#define QQ_MESS 64
#define QQ_INTD 65
#define QQ_TODO 66
#define QQ_TEMP_REFUSED 71
#define QQ_CONN_TIMEOUT 72
#define QQ_CONN_REJECTED 73
#define QQ_CONN_FAILED 74
#define QQ_BUG 81
#define QQ_CUSTOM 82
#define QQ_ENVELOPE 91
#define QQ_EXEC_FAILED 120

/* qmail's longest address (qmail-queue.c ADDR): an address of this length or more is refused. */
#define QQ_ADDR_MAX 1003

/* The caller's report for an exit code: first byte 'D' (permanent) or 'Z' (temporary), then text. */
extern char const *qq_text (int code) ;

/* Text read from fd 6 after exit 82 (notqmail): valid when it starts with D or Z. */
extern int qq_custom_ok (char const *s, size_t len) ;

/* fd is qmail's error pipe (a pipe open for writing, as qmail's callers give fd 6): a filter
   writes its own text there only then, with exit 82; anything else on fd 6 is not its own. */
extern int qq_errpipe (int fd) ;

/* sa += the envelope of sender from and the NUL-separated rcpts (rcptslen bytes) as fd 1 carries
   it (qq_envelope.c): 1, or 0 out of memory. */
extern int qq_envelope (stralloc *sa, char const *from, char const *rcpts, size_t rcptslen) ;
/* The same with berth's extension records (berth/envext.h): E<mparams> after F unless mparams is
   0 or empty; rparams (0 for none) holds one NUL-terminated params string per recipient, in
   order, each giving R<params> after its T unless empty. */
extern int qq_envelope_ext (stralloc *sa, char const *from, char const *mparams, char const *rcpts, size_t rcptslen, char const *rparams) ;

#endif
