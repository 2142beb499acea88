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
#define QUEUE_POOL "queue/pool"

/* Removed message files kept for reuse (doc/queue.md, "The pool"): berth-send renames a removed
   mess/ file of at most QUEUE_POOL_FILEMAX bytes to a free slot pool/s<n> (n < QUEUE_POOL_SLOTS);
   a writer renames one of the first QUEUE_POOL_TRIES slots its listing of pool/ gives to its new
   mess/<id> and overwrites it. At most QUEUE_POOL_SLOTS * QUEUE_POOL_FILEMAX bytes (64 MiB) kept. */
#define QUEUE_POOL_SLOTS 1024
#define QUEUE_POOL_FILEMAX 65536
#define QUEUE_POOL_TRIES 8
#define QUEUE_POOL_SLOTNAME 16   /* "queue/pool/s" and the number, NUL included: enough room */

/* pool/s<n> into s (QUEUE_POOL_SLOTNAME + sizeof(QUEUE_POOL) bytes); returns s. */
extern char *queue_pool_slot (char *s, unsigned int n) ;
#define QUEUE_TRIGGER "queue/lock/trigger"

/* An id is "<seconds>.<microseconds>.<pid>", decimal. */
#define QUEUE_ID_MAX 48

/* Leftovers (a mess or intd file with no commit) older than this are removed by berth-send. */
#define QUEUE_STALE_SECONDS 129600

/* A bounce is queued as "<id>B", a double bounce as "<id>BB" (berth-bounce). */
#define QUEUE_ID_BOUNCES 2

/* "<dir>/<id>" into s, NUL-terminated (qmail's fmtqfn, without the split); returns its length,
   NUL excluded. Room: QUEUE_PATH_MAX bytes for a queue directory (QUEUE_DIR_MAX bytes at most,
   NUL included) and a queue id (less than QUEUE_ID_MAX); QUEUE_PATH_LEN(dir, len) bytes for a
   directory given as a literal and a name of len bytes. */
#define QUEUE_DIR_MAX 16   /* "queue/bounce", the longest, and its NUL: room to spare */
#define QUEUE_PATH_MAX (QUEUE_DIR_MAX + QUEUE_ID_MAX)
#define QUEUE_PATH_LEN(dir, len) (sizeof(dir) + (len) + 1)
extern size_t queue_path (char *s, char const *dir, char const *id) ;
/* The same with the first len bytes of id (a bounce's records: its id without the B). */
extern size_t queue_pathb (char *s, char const *dir, char const *id, size_t len) ;
/* "<dir>/<id>" as sa's whole content, NUL included in sa->len: 1, or 0 out of memory. */
#include <skalibs/stralloc.h>
extern int queue_path_sa (stralloc *sa, char const *dir, char const *id) ;

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

/* A message file written by berth-queue begins with berth's queue header: QUEUE_HEAD bytes, the
   magic, then the envelope's records (u, p, F, T..., final NUL) or, when the envelope did not fit
   and is in its own todo/ file, one NUL; zeros up to QUEUE_HEAD. The message follows. todo/<id> is
   then a second name (hard link) of mess/<id>: one inode per message. (When mess/ and todo/ are
   on different file systems, the envelope is in both the header and its own todo/ file.) A file without the magic
   (an older berth's) is the message alone. doc/queue.md. */
#define QUEUE_HEAD 1024
#define QUEUE_HEAD_MAGIC "\0BERTHQ1"
#define QUEUE_HEAD_MAGICLEN 8

/* The seal (doc/queue.md "The seal"): right after the records of a header that holds them,
   QUEUE_SEAL_MARK, the message's length (8 bytes, big-endian), then the SHA-256 of the header up
   to there and of the message. A sealed file, once fsynced, is committed by itself: berth-send
   relinks it into todo/ if a reboot lost that name. */
#define QUEUE_SEAL_MARK 'S'
#define QUEUE_SEAL_DIGEST 32
#define QUEUE_SEAL_LEN (1 + 8 + QUEUE_SEAL_DIGEST)

/* Where berth-send notes the boot it last recovered the queue in (doc/queue.md). */
#define QUEUE_BOOT "queue/lock/boot"

/* SHA-256 of id (NUL included), of head's hlen bytes, then of len bytes of fd from QUEUE_HEAD
   on, into digest: 0, or -1 (errno; EPIPE when the file is shorter). */
extern int queue_head_digest (int fd, char const *id, char const *head, size_t hlen, uint64_t len, char *digest) ;

/* Appends the seal to head (*headlen bytes used: magic and records) for the message file mess/<id>
   that fd holds from QUEUE_HEAD to its end; 0, or -1 (errno: EOVERFLOW when it does not fit). */
extern int queue_head_seal (int fd, char const *id, char *head, size_t *headlen) ;
/* The same for a file known to be size bytes long (queue_head_write: it has just cut it). */
#include <sys/types.h>
extern int queue_head_sealto (int fd, char const *id, char *head, size_t *headlen, off_t size) ;

/* 1 when fd's file is sealed, for this id, and whole; 0 when not (no seal, another id's, torn,
   short, long); -1 on a read error (errno). */
extern int queue_head_check (int fd, char const *id) ;

/* Creates mess/<id> (fn, under the queue's home) as open(O_RDWR|O_CREAT|O_EXCL, 0640) does:
   a pooled file renamed there when pool/ lists one (the id spreads concurrent writers; its old bytes
   are still in it: the writer overwrites them and cuts the rest with ftruncate), else a new inode,
   made unnamed first where the kernel allows it (queue_mess_create.c). fd or -1 (errno). */
extern int queue_mess_create (char const *fn) ;

/* Ends the message file fd (message written from QUEUE_HEAD to fd's offset): cuts it there, then
   writes the whole header at 0: records[0..len) (magic and records), sealed when seal is set,
   zeros after. 0, or -1 (errno). */
extern int queue_head_write (int fd, char const *id, char const *records, size_t len, int seal) ;

/* Names the unnamed (O_TMPFILE) file fd path, through /proc/self/fd: 0, or -1 (errno: EEXIST
   when path exists; ENOENT without /proc). */
extern int queue_fd_name (int fd, char const *path) ;

/* link(mess, todo), also 0 when todo already names the same file (a recovery got there
   first); -1 (errno) otherwise. */
extern int queue_link (char const *mess, char const *todo) ;

/* Where the message begins in an open mess/ file (QUEUE_HEAD or 0), fd moved there; -1 on error. */
#include <sys/types.h>
extern off_t queue_mess_seek (int fd) ;

/* The envelope of the todo/ file fn, appended to sa as the records alone (final NUL included).
   Returns 2 when fn is a message file with its header, 1 when it is an envelope file, 0 on
   error (errno: EPROTO when the envelope is unterminated or the header holds none). */
extern int queue_env_read (char const *fn, stralloc *sa) ;

/* The same, reading at most max bytes of an envelope file (0: no limit): 0 with errno EFBIG when
   it holds more. Anything but a regular file (a fifo, a directory) is EPROTO, never waited on. */
extern int queue_env_readmax (char const *fn, stralloc *sa, size_t max) ;

/* A memory file (close-on-exec, at offset 0) holding fd's bytes from its current offset to its
   end: the message alone, for a program that expects it from offset 0. -1 on error (errno). */
extern int queue_mess_memfd (int fd) ;

/* Creates fn (O_EXCL, 0640) holding s, fsynced: 0, or -1 (errno) with fn removed. */
extern int queue_envfile (char const *fn, char const *s, size_t len) ;

/* fsync a directory by name: 0 ok, -1 error. */
extern int queue_syncdir (char const *dir) ;

/* 1 when fsync of a newly created file on fd's filesystem also makes its name durable
   (ext4, xfs), 0 otherwise: then the directory must be fsynced. */
extern int queue_fsync_names (int fd) ;
/* The same when fd's stat is at hand (one fstat less). */
#include <sys/stat.h>
extern int queue_fsync_names_st (int fd, struct stat const *st) ;

#endif
