/* ISC license. */
/* berth-send's internal interfaces: the in-memory queue, channels and durable state.
   Trust: the queue files are written by berth-queue (queue owner) and by berth-send itself;
   spawner results are trusted for format only. doc/send-state.md explains the state files. */
#ifndef BERTH_SEND_H
#define BERTH_SEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <berth/dsn.h>
#include <berth/qq.h>
#include <berth/queue.h>
#include <berth/rewrite.h>
#include <berth/sendqueue.h>

#define CHAN_LOCAL 0
#define CHAN_REMOTE 1
#define CHAN_N 2

/* fds berth-send inherits from berth-start (doc/berth-start.md) */
#define FD_LOCAL_JOBS 3
#define FD_LOCAL_RESULTS 4
#define FD_REMOTE_JOBS 5
#define FD_REMOTE_RESULTS 6

#define SLOTS_MAX 255           /* slot numbers 0..254 fit the job's first byte */
#define REMOTE_GROUP_MAX 100    /* recipients of one domain per remote job */
#define TEXT_MAX 1000

/* result codes of the spawn protocol */
#define RES_OK 'K'
#define RES_DEFER 'Z'
#define RES_FAIL 'D'

/* the state file: one mark byte per recipient */
#define MARK_TODO 'T'
#define MARK_DONE 'D'
#define CHANBYTE_LOCAL 'L'
#define CHANBYTE_REMOTE 'R'

/* bounce record status */
#define BOUNCE_PERM DSN_REC_PERM           /* the deliverer said D */
#define BOUNCE_LIFETIME DSN_REC_LIFETIME   /* Z after queuelifetime */

#define RC_PENDING 0
#define RC_INFLIGHT 1
#define RC_DONE 2

/* timers, in milliseconds of real time */
#define SEND_SCAN_MS 60000        /* safety-net scan of todo/ and of messages waiting for a bounce */
#define SEND_CLEAN_MS 3600000     /* stale mess/ and intd/ files */
#define SEND_TERM_GRACE_MS 60000  /* SIGTERM: how long running jobs may take to finish */

#define LIFETIME_TEXT " I'm not going to try again; this message has been in the queue too long."

typedef struct rcpt_s rcpt ;
struct rcpt_s
{
  size_t addr ;        /* offset in msg.data */
  size_t params ;      /* offset in msg.data of its R record's params ("": none; berth/envext.h) */
  uint32_t markoff ;   /* offset of the mark byte in the state file */
  unsigned char chan ;
  unsigned char st ;
  uint32_t tries ;
  uint64_t next ;      /* ms */
  uint64_t gen ;       /* matches the live heap entry */
} ;

typedef struct msg_s msg ;
struct msg_s
{
  char id[QUEUE_ID_MAX] ;
  stralloc data ;      /* sender\0 E params\0, then every address\0 and its R params\0 */
  size_t mparams ;     /* offset in data of the E record's params ("": none) */
  genalloc rcpts ;     /* rcpt */
  uint64_t birth ;     /* ms */
  uint32_t npending ;  /* not done */
  uint32_t ninflight ;
  unsigned char used ;
  unsigned char waitbounce ;
  pid_t bouncepid ;    /* berth-bounce running for this message, or 0 */
  uint64_t bouncenext ; /* ms: earliest time to run berth-bounce (again) */
  unsigned char held ;   /* queue/hold/<id>: not dispatched until released (ctl.c) */
  unsigned char lazy ;   /* delivered from todo/<id>: no state file yet (state_materialize) */
  size_t cost ;          /* bytes counted in ctx.memused for it (state_parse) */
} ;

typedef struct hent_s hent ;
struct hent_s
{
  uint64_t when ;
  uint64_t gen ;
  uint32_t m ;
  uint32_t r ;
} ;

typedef struct slot_s slot ;
struct slot_s
{
  uint32_t m ;
  genalloc rcpts ;     /* uint32_t */
  uint64_t start ;
  uint32_t dest ;      /* the job's destination (dest.c), or DEST_NONE */
  unsigned char used ;
} ;

typedef struct chan_s chan ;
struct chan_s
{
  char const *name ;
  int jobfd ;
  int resfd ;
  stralloc out ;
  size_t outpos ;
  stralloc in ;
  genalloc heap ;      /* hent */
  unsigned int busy ;
  slot slots[SLOTS_MAX] ;
} ;

typedef struct ctx_s ctx ;
struct ctx_s
{
  rewrite rw ;
  unsigned long conc[CHAN_N] ;
  unsigned long lifetime ;   /* seconds */
  unsigned long delaywarn ;  /* seconds; 0: no delay warnings */
  unsigned long scale ;      /* divides every delay */
  genalloc msgs ;            /* msg */
  void *byid ;               /* in-use messages by id: a tsearch(3) root (msgs.c) */
  genalloc freemsgs ;        /* uint32_t */
  genalloc waiting ;         /* uint32_t: messages done but with a pending bounce */
  chan ch[CHAN_N] ;
  uint64_t genctr ;
  uint64_t now ;
  stralloc tmp ;
  char const *bounceprog ;   /* berth-bounce's path (read-only after start) */
  genalloc bouncepids ;      /* pid_t: berth-bounce processes running */
  unsigned char messdirty ;  /* mess/ has unlinks not yet fsynced (msgs_sync) */
  stralloc gone ;            /* removed messages' other names, unlinked once mess/ is synced: "L" todo/ and state/ or "S" state/, then "P" pooled or "-", then the id */
  unsigned int poolnext ;    /* the next pool slot to try (msgs.c) */
  stralloc todo ;            /* names of the last listing of todo/ (scan.c) */
  stralloc states ;          /* state/ names not yet loaded (scan_state): loaded before todo/ */
  size_t statepos ;
  size_t todopos ;           /* the next one to preprocess */
  unsigned char todoscan ;   /* list todo/ again once the listing is used up */
  unsigned char fsnames ;    /* queue_fsync_names: a new state file's fsync makes its name durable */
  size_t envrcpts ;          /* control/enveloperecipients: more in one entry quarantines it */
  size_t envbytes ;          /* control/envelopebytes: the same for its bytes */
  uint64_t memused ;         /* bytes the messages in memory take (msg.cost) */
  unsigned char memfull ;    /* memused reached SEND_MEM_MAX: todo/ waits (logged once) */
  genalloc dests ;           /* dest *: the remote destinations known (dest.c), 0 for a free index */
  void *destbyname ;         /* the same, by name: a tsearch(3) root */
  unsigned long destconc ;   /* control/concurrencydomain */
  unsigned long ratedelay ;  /* control/ratedelay, ms */
  stralloc destmap ;         /* control/destinations: domain:concurrency:delay lines */
  stralloc synth ;           /* the records of a job deferred without a connection (chan.c) */
  unsigned char destdirty ;  /* queue/lock/destinations is out of date (destpub.c) */
  uint64_t destpub ;         /* ms: when it may be written again */
} ;

/* The memory bound (doc/send-state.md, "Memory and scaling"): new messages are read from todo/
   only while the messages in memory take less than this; a listing of todo/ holds at most
   SEND_LIST_MAX names. */
#define SEND_MEM_MAX ((uint64_t)64 << 20)
#define SEND_LIST_MAX 10000
#define SEND_ENV_SLACK 64   /* the u and p records berth-queue adds to what envelopebytes counts */
/* the largest state file berth-send writes for an envelope within the limits: its bytes (a
   rewritten address may grow by a virtualdomains prefix: up to QQ_ADDR_MAX) and 2 per recipient */
#define STATE_MAX(c) ((uint64_t)(c)->envbytes + SEND_ENV_SLACK + (uint64_t)(c)->envrcpts * (2 + QQ_ADDR_MAX))

#define MSG(c, m) (genalloc_s(msg, &(c)->msgs) + (m))
#define RCPT(c, m, r) (genalloc_s(rcpt, &MSG(c, m)->rcpts) + (r))

/* dest.c: polite delivery (doc/berth-send.md, "Polite delivery"). A destination is a remote
   recipient's domain, lower-cased. Its window (the jobs it may have at once) starts at
   DEST_INIT_CONC, grows by one after a window's worth of successes and shrinks by one after a
   window's worth of destination failures (berth-remote's site=down fact), up to its limit; a
   failed pseudo-cohort at window 1 marks it down for DEST_DEAD_MS (divided by retryscale):
   its recipients are then deferred without a connection, and one probe follows. A rate delay
   makes the limit 1 and spaces the starts of its jobs. A heap entry that cannot start now waits
   in its destination's list ("parked"), out of the heap, until a job of it ends or its rate
   delay has passed (one wake-up entry in the heap: hent.m DEST_WAKE, hent.r the destination). */
typedef struct dest_s dest ;
struct dest_s
{
  char *name ;
  uint32_t idx ;           /* its index in ctx.dests */
  unsigned int limit ;     /* from the configuration; 0 holds the destination */
  uint64_t delay ;         /* ms between the starts of its jobs; not 0: at most one at once */
  unsigned int win ;       /* the window, 1..limit */
  unsigned int active ;    /* jobs running */
  unsigned int succ ;      /* successes since the window last changed */
  unsigned int fail ;      /* destination failures since the window last changed */
  unsigned int cohort ;    /* failed pseudo-cohorts since the last success, in 1/DEST_COHORT_UNIT */
  uint64_t failures ;      /* destination failures in a row */
  uint64_t down ;          /* ms: marked down until then; 0: up */
  unsigned char probe ;    /* the down time has passed: one job tries */
  uint64_t nextstart ;     /* ms: the rate delay's next start */
  uint64_t wakegen ;       /* gen of its wake-up entry in the heap, 0: none */
  uint64_t lastfail ;      /* ms: its last destination failure */
  genalloc parked ;        /* hent */
  size_t parkpos ;
  stralloc last ;          /* its last destination failure's text */
} ;
#define DEST_NONE UINT32_MAX
#define DEST_WAKE UINT32_MAX
#define DEST_INIT_CONC 5          /* Postfix's initial_destination_concurrency */
#define DEST_COHORT_UNIT 1000
#define DEST_COHORT_LIMIT 1       /* Postfix's destination_concurrency_failed_cohort_limit */
#define DEST_DEAD_MS 300000       /* how long a dead destination waits: Postfix's minimal_backoff_time */
#define DEST_DEFER_BATCH 64       /* recipients of down destinations deferred per turn of the loop */
#define DEST_PUB_MS 1000          /* queue/lock/destinations is written at most this often */
#define DEST_FILE "queue/lock/destinations"
#define DEST_SUSPENDED "delivery temporarily suspended: "
#define DEST_GO 0
#define DEST_PARK 1
#define DEST_DOWN 2
#define DEST(c, d) (genalloc_s(dest *, &(c)->dests)[d])
extern uint32_t dest_get (ctx *, char const *domain) ;
extern int dest_cmp (void const *, void const *) ;   /* by name, for tsearch */
extern int dest_admit (ctx *, uint32_t d, hent const *e) ;
extern void dest_done (ctx *, uint32_t d, int down, char const *text, size_t len) ;
extern void dest_wake (ctx *, hent const *e) ;
extern void dest_conf (ctx *) ;
extern unsigned int dest_cap (dest const *) ;
extern void dest_unpark (ctx *, dest *, size_t room) ;

/* destpub.c: queue/lock/destinations for berth-qread -d; idle destinations are forgotten */
extern void dest_publish (ctx *) ;
extern uint64_t dest_deadline (ctx const *) ;

/* conf.c */
extern void conf_read (ctx *, int) ;

/* clock.c */
extern uint64_t chan_retry (ctx const *, uint64_t birth, uint64_t now, unsigned int chan) ;
extern int lifetime_over (ctx const *, uint64_t birth, uint64_t now) ;

/* heap.c */
extern void heap_push (genalloc *, hent const *) ;
extern int heap_top (genalloc const *, hent *) ;
extern void heap_pop (genalloc *) ;
extern void sched_rcpt (ctx *, uint32_t m, uint32_t r, uint64_t when) ;

/* msgs.c */
extern uint32_t msg_new (ctx *, char const *id) ;
extern int msg_find (ctx *, char const *id) ;
extern void msg_free (ctx *, uint32_t m) ;
extern void msg_check_done (ctx *, uint32_t m) ;
extern int msg_finishes (ctx *, uint32_t m, size_t ndone, size_t n) ;
extern void msgs_sync (ctx *) ;
extern void pool_put (ctx *, char const *) ;
extern void unlink_in (char const *dir, size_t dirlen, char const *id) ;
extern void waiting_check (ctx *) ;

/* dsn.c: the DSN parameters in results and jobs (doc/berth-send.md, "DSN") */
typedef struct dsn_res_s dsn_res ;
struct dsn_res_s
{
  char code ;          /* RES_* */
  int over ;           /* the queue lifetime is over */
  char const *text ;
  size_t tlen ;
  char const *facts ;
  size_t flen ;
} ;
extern unsigned int dsn_notify (ctx *, uint32_t m, uint32_t r) ;   /* ENVEXT_NOTIFY_* bits, 0: absent */
extern void dsn_result (ctx *, unsigned int ch, uint32_t m, uint32_t r, dsn_res const *) ;
extern void dsn_job_word (stralloc *out, char const *word, char const *params) ;

/* bouncer.c: berth-bounce for messages waiting on queue/bounce/<id> (doc/berth-bounce.md) */
#define BOUNCE_CONC 4                 /* berth-bounce processes at once */
#define BOUNCE_RETRY_MS 300000        /* after a temporary failure (111) */
#define BOUNCE_RETRY_PERM_MS 3600000  /* after a permanent one (100): the admin must look */
extern char const *bouncer_prog (void) ;
extern void bouncer_run (ctx *) ;
extern int bouncer_reaped (ctx *, pid_t, int) ;
extern int bouncer_blocks (char const *) ;

/* delay.c: delay warnings (control/delaywarning) */
extern void delay_maybe (ctx *, uint32_t, uint32_t, char const *, size_t) ;
extern void delay_forget (char const *) ;
extern int delay_blocks (char const *) ;
extern void retry_all (ctx *) ;

/* state.c */
extern int state_whole (char const *s, size_t len) ;
extern int state_parse (ctx *, char const *id, char const *s, size_t len, uint64_t when) ;
extern int state_file_whole (ctx *, char const *id) ;
extern int state_load (ctx *, char const *id) ;
extern void state_mark (ctx *, uint32_t m, uint32_t const *r, size_t n) ;
extern void state_hint (ctx *, uint32_t m) ;

/* prep.c: preprocessing; a message is delivered from todo/<id> until a result needs a mark */
#define PREP_BATCH 64         /* todo/ entries read per turn of the main loop (todo_step) */
#define PREP_BATCH_BUSY 8     /* ... when recipients already wait in memory: deliveries first */
extern void state_preprocess_list (ctx *, char const *names, size_t len) ;
extern int state_preprocess (ctx *, char const *id) ;
extern void state_materialize (ctx *, uint32_t m, uint32_t const *r, size_t n) ;
extern void state_rewrite (ctx *, uint32_t m) ;

/* requeue.c: the classification of m's pending recipients run again (berth-qctl requeue); how
   many changed, *kept set to how many local ones had to keep theirs (no original envelope) */
extern size_t requeue_msg (ctx *, uint32_t m, size_t *kept) ;

/* quarantine.c: a bad entry of dir (todo/ or state/) goes to bad/<id>, logged once */
extern void quarantine (ctx *, char const *dir, char const *id, char const *reason, char const *text) ;
extern int quarantined (char const *id) ;

/* bounce.c */
extern void bounce_record (ctx *, uint32_t, uint32_t, char, char const *, size_t) ;
extern void bounce_append (ctx *, uint32_t m, uint32_t r, char status, char const *text, size_t len) ;

/* scan.c */
extern void scan_todo (ctx *) ;
extern void todo_step (ctx *) ;
extern int todo_pending (ctx *) ;
extern void scan_state (ctx *) ;
extern void scan_recover (ctx *) ;
extern void scan_clean (ctx *) ;

/* result.c. result_len: the length of the result at s[0..len) (slot byte, then need records)
   when complete, else 0. result_record: the record at *p (NUL-terminated): its code (RES_DEFER
   when empty), text (capped at TEXT_MAX) and facts (after RES_FACTS_SEP, "" when none or when
   not of the form); *p moves past it. */
#define RES_FACTS_SEP '\037'
#define RES_FACTS_MAX 512
extern size_t result_len (char const *s, size_t len, size_t need) ;
extern void result_record (char const **p, char *code, char const **text, size_t *tlen, char const **facts, size_t *flen) ;
/* whether facts[0..len) carry site=down: the job failed for its destination, not a recipient */
extern int result_sitedown (char const *facts, size_t len) ;
/* whether a remote recipient's deferral text quotes a 452 (RFC 5321 4.5.3.1.10: too many
   recipients for one transaction) */
extern int result_rcptlimit (char const *text, size_t len) ;

/* logdel.c: the line for one recipient's result of the job dispatched at start (ms) */
typedef struct logres_s logres ;
struct logres_s
{
  char const *status ;   /* sent, deferred, bounced, expired */
  char const *text ;
  size_t tlen ;
  char const *facts ;    /* the result's facts: "key=value ..." (spawn protocol), or "" */
  size_t flen ;
} ;
extern void log_delivery (ctx *, unsigned int ch, uint32_t m, uint32_t r, uint64_t start, logres const *) ;

/* chan.c */
extern void chan_dispatch (ctx *, unsigned int ch) ;
extern int chan_results (ctx *, unsigned int ch) ;
extern int chan_flush (ctx *, unsigned int ch) ;

/* ctl.c: the control fifo (berth-qctl) */
extern int ctl_init (void) ;
extern void ctl_read (ctx *, int fd, stralloc *in) ;

/* info.c: queue/info/<id> and queue/hold/<id> for the queue tools */
extern void info_write (ctx *, uint32_t m, uint32_t r, char const *text, size_t len) ;
extern int hold_exists (char const *id) ;
extern int hold_set (char const *id, int on) ;
extern void info_forget (char const *id) ;
extern void info_clean (void) ;

/* log.c */
extern void log_start (void) ;
extern void log_key (char const *key, char const *val) ;
extern void log_keyb (char const *key, char const *val, size_t len) ;
extern void log_keyq (char const *key, char const *val, size_t len) ;   /* key="text" */
extern void log_keyu (char const *key, uint64_t u) ;
extern void log_keydelay (char const *key, uint64_t ms) ;
#define LOG_DELAY_FMT (UINT64_FMT + 4)
extern size_t log_fmtdelay (char *fmt, uint64_t ms) ;   /* "s.mmm" */
extern void log_end (void) ;

#endif
