/* ISC license. */
/* The queue's layout, shared by every program that touches it. doc/queue.md explains it. */
#ifndef BERTH_QUEUE_H
#define BERTH_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#define QUEUE_DIR "queue"
#define QUEUE_MESS "queue/mess"
#define QUEUE_INTD "queue/intd"
#define QUEUE_TODO "queue/todo"
#define QUEUE_LOCK "queue/lock"
#define QUEUE_TRIGGER "queue/lock/trigger"

/* An id is "<seconds>.<microseconds>.<pid>", decimal. */
#define QUEUE_ID_MAX 48

/* Leftovers (a mess or intd file with no commit) older than this are removed by berth-send. */
#define QUEUE_STALE_SECONDS 129600

/* A bounce is queued as "<id>B", a double bounce as "<id>BB" (berth-bounce). */
#define QUEUE_ID_BOUNCES 2

/* 1 when id has the form of a queue id (digits and dots, then at most two B's). */
extern int queue_id_ok (char const *id) ;

/* Fills id (QUEUE_ID_MAX bytes, NUL-terminated) from the clock and the pid; returns its length. */
extern size_t queue_id_fmt (char *id, uint64_t sec, unsigned long usec, unsigned long pid) ;

/* Names in a queue directory, appended to names NUL-terminated; 0 ok, -1 error (errno). */
#include <skalibs/stralloc.h>
extern int queue_listdir (char const *dir, stralloc *names) ;

/* Queue ids in arrival order (seconds, microseconds, then bytes): <0, 0, >0. */
extern int queue_id_cmp (char const *, char const *) ;

/* Wakes berth-send: one byte to the trigger fifo, never blocking; failures ignored. */
extern void queue_trigger (void) ;

/* fsync a directory by name: 0 ok, -1 error. */
extern int queue_syncdir (char const *dir) ;

/* 1 when fsync of a newly created file on fd's filesystem also makes its name durable
   (ext4, xfs), 0 otherwise: then the directory must be fsynced. */
extern int queue_fsync_names (int fd) ;

#endif
