/* ISC license. */
/* Table-driven tests of the queue header's seal (src/libberth/queue_head_seal.c,
   queue_head_check.c, queue_head_write.c, queue_link.c): a sealed message file is whole by itself, and every kind of
   damage a power loss can leave (a torn header, a short or long file, stale or zeroed blocks), a
   file that was never sealed, or a pooled file under a new name makes the check say no. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <berth/queue.h>
#include "tap.h"

#define ENV "\0BERTHQ1u1000\0p42\0Fa@b.example\0Tc@d.example\0"   /* + final NUL: sizeof */
#define ENVLEN (sizeof(ENV))
#define ID "1764460800.123456.4242"

enum damage { NONE, BODY_BYTE, RECORD_BYTE, LENGTH_FIELD, DIGEST_BYTE, MARK, SHORTER, LONGER, ZERO_TAIL, NO_RECORDS, NO_MAGIC } ;

struct scase
{
  char const *what ;
  size_t bodylen ;
  enum damage d ;
  off_t where ;         /* BODY_BYTE: offset in the message */
  int check ;           /* queue_head_check's answer */
} ;

static struct scase const cases[] =
{
  { "intact, 2 KiB", 2048, NONE, 0, 1 },
  { "intact, empty message", 0, NONE, 0, 1 },
  { "intact, 200 KiB (many read-backs)", 204800, NONE, 0, 1 },
  { "a message byte changed", 2048, BODY_BYTE, 100, 0 },
  { "a message byte changed past the first read-back", 204800, BODY_BYTE, 150000, 0 },
  { "a record byte changed (torn header)", 2048, RECORD_BYTE, 0, 0 },
  { "the length field changed", 2048, LENGTH_FIELD, 0, 0 },
  { "a digest byte changed", 2048, DIGEST_BYTE, 0, 0 },
  { "the seal's mark gone (zeros: never sealed)", 2048, MARK, 0, 0 },
  { "the file one byte shorter", 2048, SHORTER, 0, 0 },
  { "the file one byte longer", 2048, LONGER, 0, 0 },
  { "the last 4 KiB block zeroed (data never written)", 204800, ZERO_TAIL, 0, 0 },
  { "an empty record list (the envelope in its own file)", 2048, NO_RECORDS, 0, 0 },
  { "no magic (an older berth's file)", 2048, NO_MAGIC, 0, 0 },
} ;

static void flip (int fd, off_t off)
{
  char b ;
  if (pread(fd, &b, 1, off) == 1) { b ^= 0x20 ; if (pwrite(fd, &b, 1, off) != 1) exit(1) ; }
}

/* writes the message, seals the header as the writers do; returns the seal's offset or -1 */
static off_t make (char const *fn, size_t bodylen, int records)
{
  char head[QUEUE_HEAD] ;
  size_t n = records ? ENVLEN : QUEUE_HEAD_MAGICLEN + 1 ;
  char *body = malloc(bodylen + 1) ;
  int fd = open(fn, O_RDWR | O_CREAT | O_TRUNC, 0600) ;
  off_t r = -1 ;
  if (fd < 0 || !body) return -1 ;
  for (size_t i = 0 ; i < bodylen ; i++) body[i] = "abcdefghij\n"[i % 11] ;
  memset(head, 0, sizeof head) ;
  memcpy(head, ENV, ENVLEN) ;
  if (!records) head[QUEUE_HEAD_MAGICLEN] = 0 ;
  if (pwrite(fd, body, bodylen, QUEUE_HEAD) == (ssize_t)bodylen && ftruncate(fd, QUEUE_HEAD + bodylen) == 0)
  {
    size_t at = n ;
    if (!records) { if (pwrite(fd, head, QUEUE_HEAD_MAGICLEN + 1, 0) > 0) r = 0 ; }
    else if (queue_head_seal(fd, ID, head, &n) == 0 && n == at + QUEUE_SEAL_LEN && pwrite(fd, head, n, 0) == (ssize_t)n) r = (off_t)at ;
  }
  close(fd) ;
  free(body) ;
  return r ;
}

static int check (char const *fn, char const *id)
{
  int fd = open(fn, O_RDONLY), r ;
  if (fd < 0) return -1 ;
  r = queue_head_check(fd, id) ;
  close(fd) ;
  return r ;
}

int main (void)
{
  char fn[] = "/tmp/berth-unit-qs.XXXXXX" ;
  char fn2[sizeof fn + 2] ;
  unsigned int n = sizeof(cases) / sizeof(cases[0]) ;
  int fd = mkstemp(fn) ;
  TAP_PLAN(n + 9) ;
  if (fd < 0) { printf("Bail out! mkstemp\n") ; return 1 ; }
  close(fd) ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    struct scase const *c = cases + i ;
    off_t seal = make(fn, c->bodylen, c->d != NO_RECORDS) ;
    if (seal < 0) { printf("Bail out! write %s\n", fn) ; return 1 ; }
    fd = open(fn, O_RDWR) ;
    switch (c->d)
    {
      case NONE : case NO_RECORDS : break ;
      case BODY_BYTE : flip(fd, QUEUE_HEAD + c->where) ; break ;
      case RECORD_BYTE : flip(fd, QUEUE_HEAD_MAGICLEN + 3) ; break ;
      case LENGTH_FIELD : flip(fd, seal + 8) ; break ;
      case DIGEST_BYTE : flip(fd, seal + 9 + 31) ; break ;
      case MARK : if (pwrite(fd, "\0", 1, seal) != 1) return 1 ; break ;
      case SHORTER : if (ftruncate(fd, QUEUE_HEAD + c->bodylen - 1) < 0) return 1 ; break ;
      case LONGER : if (pwrite(fd, "x", 1, QUEUE_HEAD + c->bodylen) != 1) return 1 ; break ;
      case ZERO_TAIL :
      {
        static char const zero[4096] ;
        if (pwrite(fd, zero, sizeof zero, QUEUE_HEAD + c->bodylen - sizeof zero) != sizeof zero) return 1 ;
        break ;
      }
      case NO_MAGIC : flip(fd, 1) ; break ;
    }
    close(fd) ;
    {
      int r = check(fn, ID) ;
      TAP_OK(r == c->check, "%s: queue_head_check says %d", c->what, r) ;
    }
  }
  {
    /* a pooled file renamed to another message's name before it was rewritten: its old seal
       names the old id */
    make(fn, 2048, 1) ;
    TAP_OK(check(fn, ID) == 1 && check(fn, "1764460800.123456.4243") == 0,
           "the same intact file checked under another id: refused") ;
  }
  {
    /* the records of a sealed header read as before: the seal comes after their final NUL */
    stralloc sa = STRALLOC_ZERO ;
    make(fn, 2048, 1) ;
    TAP_OK(queue_env_read(fn, &sa) == 2 && sa.len == ENVLEN - QUEUE_HEAD_MAGICLEN && !memcmp(sa.s, ENV + QUEUE_HEAD_MAGICLEN, sa.len),
           "queue_env_read of a sealed header: the records alone (%zu bytes)", sa.len) ;
    stralloc_free(&sa) ;
  }
  {
    /* records that leave no room for the seal */
    char head[QUEUE_HEAD] ;
    size_t hl = QUEUE_HEAD - QUEUE_SEAL_LEN + 1 ;
    fd = open(fn, O_RDONLY) ;
    memset(head, 'a', sizeof head) ;
    TAP_OK(queue_head_seal(fd, ID, head, &hl) < 0 && errno == EOVERFLOW && hl == QUEUE_HEAD - QUEUE_SEAL_LEN + 1,
           "records with no room left for the seal: EOVERFLOW, nothing changed") ;
    hl = QUEUE_HEAD - QUEUE_SEAL_LEN ;
    TAP_OK(!queue_head_seal(fd, ID, head, &hl) && hl == QUEUE_HEAD, "records that leave exactly its room: sealed to the header's end") ;
    close(fd) ;
  }
  {
    /* queue_head_write over a bigger old message (a pooled file): cut where the new one ends,
       the header rewritten whole (nothing of the old one left), sealed for the new content */
    char old[4096], rd[QUEUE_HEAD] ;
    size_t tail = QUEUE_HEAD_MAGICLEN + ENVLEN - QUEUE_HEAD_MAGICLEN + QUEUE_SEAL_LEN ;
    int zeros = 1 ;
    memset(old, 'o', sizeof old) ;
    fd = open(fn, O_RDWR | O_CREAT | O_TRUNC, 0600) ;
    if (fd < 0 || pwrite(fd, old, sizeof old, 0) != sizeof old || pwrite(fd, old, sizeof old, QUEUE_HEAD) != sizeof old
     || lseek(fd, QUEUE_HEAD, SEEK_SET) != QUEUE_HEAD || write(fd, "new\n", 4) != 4) return 1 ;
    TAP_OK(!queue_head_write(fd, ID, ENV, ENVLEN, 1) && lseek(fd, 0, SEEK_END) == QUEUE_HEAD + 4,
           "queue_head_write over an older, bigger message: the file ends with the new one") ;
    if (pread(fd, rd, sizeof rd, 0) != sizeof rd) return 1 ;
    for (size_t k = tail ; k < sizeof rd ; k++) if (rd[k]) zeros = 0 ;
    close(fd) ;
    TAP_OK(zeros && !memcmp(rd, ENV, ENVLEN) && check(fn, ID) == 1,
           "the header holds the new records and seal, zeros after, and checks") ;
  }
  {
    /* queue_link: a second name, the same name again (a recovery got there first), another file */
    memcpy(fn2, fn, sizeof fn) ; memcpy(fn2 + sizeof fn - 1, ".t", 3) ;
    unlink(fn2) ;
    TAP_OK(!queue_link(fn, fn2), "queue_link makes the second name") ;
    TAP_OK(!queue_link(fn, fn2), "queue_link again: the name already names the same file, 0") ;
    unlink(fn2) ;
    fd = open(fn2, O_WRONLY | O_CREAT | O_EXCL, 0600) ;
    if (fd >= 0) close(fd) ;
    TAP_OK(queue_link(fn, fn2) < 0 && errno == EEXIST, "queue_link onto another file: EEXIST") ;
    unlink(fn2) ;
  }
  unlink(fn) ;
  return TAP_DONE() ;
}
