/* ISC license. */
/* The queue tools (berth-qread, berth-qstat, berth-qctl) and berth-send's control fifo:
   paths, the info and hold records, the ctl protocol, and a read-only view of one message.
   Trust: the queue files are written by berth-queue and berth-send (queue owner). */
#ifndef BERTH_QTOOL_H
#define BERTH_QTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/buffer.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/clock.h>
#include <berth/queue.h>

#define QUEUE_INFO "queue/info"   /* info/<id>: last deferral, rewritten by berth-send (no fsync) */
#define QUEUE_HOLD "queue/hold"   /* hold/<id>: the message is held (berth-send); empty, or why (a milter's quarantine, berth-queue) */
#define QUEUE_CTL "queue/lock/ctl" /* fifo 0600: one command a line, read by berth-send */
#define QUEUE_CTL_REPLYDIR "queue/lock/"
#define QUEUE_SENDLOCK "queue/lock/send" /* flock'ed by berth-send while it runs; berth-qctl -o takes it */
#define QTOOL_REPLY_PREFIX "qctl."  /* reply fifos: queue/lock/qctl.<pid> */

/* ctl protocol: "<verb> <id> <replyname>\n" -> "<word> <text>\n" into queue/lock/<replyname> */
#define QTOOL_LINE_MAX 512
#define QTOOL_REPLY_OK "ok"
#define QTOOL_REPLY_BUSY "busy"       /* recipients in flight: the message is held, ask again */
#define QTOOL_REPLY_NOMSG "nomsg"     /* no such message */
#define QTOOL_REPLY_ERROR "error"
#define QTOOL_BOUNCE_TEXT "This message was deleted by the administrator. (#5.7.1)"

/* info/<id>: N<tries>\0 L<last attempt, unix ms>\0 W<next attempt, unix ms>\0 R<rcpt>\0 X<text>\0 \0 */

#define QTOOL_WHERE_TODO 1    /* committed, not yet preprocessed: recipients unclassified */
#define QTOOL_WHERE_STATE 2   /* preprocessed by berth-send */
#define QTOOL_WHERE_BAD 3     /* quarantined by berth-send (bad/<id>): never delivered; info/<id> says why */

typedef struct qtool_rcpt_s qtool_rcpt ;
struct qtool_rcpt_s
{
  size_t addr ;        /* offset in data */
  size_t params ;      /* offset in data of its R record's params (doc/queue.md), 0: none */
  char mark ;          /* 'T' pending, 'D' done, 0 unknown (todo) */
  char chan ;          /* 'L', 'R', 0 unknown (todo) */
} ;

typedef struct qtool_msg_s qtool_msg ;
struct qtool_msg_s
{
  char id[QUEUE_ID_MAX] ;
  stralloc data ;      /* sender\0 then every recipient\0, extension params\0 among them */
  size_t mparams ;     /* offset in data of the E record's params, 0: none */
  genalloc rcpts ;     /* qtool_rcpt */
  stralloc tmp ;
  int where ;
  uint64_t birth ;     /* unix ms: berth-send's birth, else the message file's mtime */
  uint64_t size ;      /* bytes of mess/<id>, 0 if missing */
  uint64_t hint ;      /* unix ms: state file mtime (earliest next attempt after a deferral) */
  unsigned int held : 1 ;
  unsigned int bounce : 1 ;   /* bounce/<id> exists */
  unsigned int expired : 1 ;  /* ... and holds a queue lifetime record (DSN_REC_LIFETIME) */
  unsigned int hasinfo : 1 ;
  uint64_t tries ;
  uint64_t last ;      /* unix ms */
  uint64_t next ;      /* unix ms */
  size_t inforcpt ;    /* offset in tmp */
  size_t infotext ;    /* offset in tmp */
  stralloc hold ;      /* hold/<id>'s text, NUL-terminated: why it is held; empty: no reason given */
} ;
#define QTOOL_MSG_ZERO { .data = STRALLOC_ZERO, .rcpts = GENALLOC_ZERO, .tmp = STRALLOC_ZERO, .hold = STRALLOC_ZERO }

/* ids in queue/todo, queue/state and queue/bad, deduplicated, oldest first: NUL-terminated into sa, offsets
   into list (size_t). 0 ok, -1 error (errno). */
extern int qtool_ids (stralloc *sa, genalloc *list) ;

/* who queued message id (its envelope's u record, cwd = HOME): 1 and *uid set, or 0 unknown */
extern int qtool_uid (char const *id, uint64_t *uid) ;

/* reads one message (cwd = HOME): 1 found, 0 gone meanwhile, -1 error (errno) */
extern int qtool_read (qtool_msg *m, char const *id) ;
extern void qtool_msg_free (qtool_msg *m) ;

/* Calls f(m, data) for every message (cwd = HOME), oldest first, as qtool_ids lists them; a message
   gone meanwhile is skipped, one with malformed files is skipped with a warning. For the queue
   tools: dies (111) when the queue cannot be listed or a message cannot be read. */
typedef void qtool_walk_func (qtool_msg const *m, void *data) ;
extern void qtool_walk (qtool_walk_func *f, void *data) ;

/* 1 if the message matches: kind 'f' sender, 'r' recipient, 'd' recipient domain (case-insensitive) */
extern int qtool_match (qtool_msg const *m, char kind, char const *pat) ;

/* length of the valid UTF-8 sequence at s (1 for ASCII), 0 if the byte starts none */
extern size_t qtool_utf8_len (unsigned char const *s, size_t len) ;

/* a JSON string (quotes included): UTF-8 kept, invalid bytes as \u00XX. 0 ok, -1 write error */
extern int qtool_json_str (buffer *b, char const *s, size_t len) ;

/* "3d04h", "2h05m", "4m12s", "9s" into s (QTOOL_DUR_FMT bytes), NUL-terminated; returns length */
#define QTOOL_DUR_FMT 32
extern size_t qtool_dur_fmt (char *s, uint64_t seconds) ;

#endif
