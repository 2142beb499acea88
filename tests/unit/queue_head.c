/* ISC license. */
/* Table-driven tests of the queue header's readers (src/libberth/queue_env_read.c,
   queue_mess_seek.c): message files with a header, envelope files without one, and broken
   headers that must be refused, each written to a temporary file. */

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/stralloc.h>
#include <berth/queue.h>
#include "tap.h"

#define ENV1 "u1000\0p42\0Fa@b.example\0Tc@d.example\0Te@f.example\0"   /* + final NUL */
#define BODY "Received: (berth 42 invoked by uid 1000); x\nSubject: s\n\nbody\n"

struct hcase
{
  char const *what ;
  int header ;          /* 1: magic + env written at 0, BODY at QUEUE_HEAD; 0: env is the file */
  char const *env ;
  size_t envlen ;
  int ret ;             /* queue_env_read's return */
  int err ;             /* its errno when ret is 0 */
  off_t start ;         /* queue_mess_seek's */
} ;

#define H(what, header, env, ret, err, start) { what, header, env, sizeof(env) - 1, ret, err, start }

static struct hcase const cases[] =
{
  H("header with envelope", 1, ENV1 "\0", 2, 0, QUEUE_HEAD),
  H("header, empty sender", 1, "u0\0p1\0F\0Tx@y\0\0", 2, 0, QUEUE_HEAD),
  H("header with no records (envelope elsewhere)", 1, "\0", 0, EPROTO, QUEUE_HEAD),
  H("envelope file", 0, ENV1 "\0", 1, 0, 0),
  H("envelope file, short", 0, "F\0\0", 1, 0, 0),
  H("empty file", 0, "", 1, 0, 0),
} ;

static int put (char const *fn, struct hcase const *c)
{
  int fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC, 0600), ok ;
  if (fd < 0) return 0 ;
  if (c->header)
    ok = pwrite(fd, QUEUE_HEAD_MAGIC, QUEUE_HEAD_MAGICLEN, 0) == QUEUE_HEAD_MAGICLEN
      && pwrite(fd, c->env, c->envlen, QUEUE_HEAD_MAGICLEN) == (ssize_t)c->envlen
      && pwrite(fd, BODY, sizeof(BODY) - 1, QUEUE_HEAD) == sizeof(BODY) - 1 ;
  else ok = allwrite(fd, c->env, c->envlen) == c->envlen ;
  close(fd) ;
  return ok ;
}

int main (void)
{
  char fn[] = "/tmp/berth-unit-qh.XXXXXX" ;
  unsigned int n = sizeof(cases) / sizeof(cases[0]) ;
  int fd = mkstemp(fn) ;
  TAP_PLAN(n * 3 + 9) ;
  if (fd < 0) { printf("Bail out! mkstemp\n") ; return 1 ; }
  close(fd) ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    struct hcase const *c = cases + i ;
    stralloc sa = STRALLOC_ZERO ;
    char buf[sizeof(BODY)] ;
    int r, e ;
    off_t start ;
    if (!put(fn, c)) { printf("Bail out! write %s\n", fn) ; return 1 ; }
    if (!stralloc_catb(&sa, "pre", 3)) return 1 ;   /* appended to what the caller has */
    errno = 0 ;
    r = queue_env_read(fn, &sa) ;
    e = errno ;
    if (c->ret)
    {
      TAP_OK(r == c->ret && sa.len == 3 + c->envlen && !memcmp(sa.s + 3, c->env, c->envlen) && !memcmp(sa.s, "pre", 3),
             "%s: queue_env_read gives the records (%d, %zu bytes)", c->what, r, sa.len - 3) ;
    }
    else TAP_OK(!r && e == c->err && sa.len == 3, "%s: queue_env_read refuses it (errno %d)", c->what, e) ;
    fd = open(fn, O_RDONLY) ;
    start = queue_mess_seek(fd) ;
    TAP_OK(start == c->start && lseek(fd, 0, SEEK_CUR) == c->start, "%s: the message begins at %lld", c->what, (long long)start) ;
    if (c->header)
      TAP_OK(read(fd, buf, sizeof buf) == sizeof(BODY) - 1 && !memcmp(buf, BODY, sizeof(BODY) - 1), "%s: read from there: the message", c->what) ;
    else
      TAP_OK(read(fd, buf, c->envlen < sizeof buf ? c->envlen : sizeof buf) == (ssize_t)(c->envlen < sizeof buf ? c->envlen : sizeof buf), "%s: read from 0", c->what) ;
    close(fd) ;
    stralloc_free(&sa) ;
  }
  {
    /* an envelope file bigger than the header's room is read whole */
    stralloc sa = STRALLOC_ZERO, big = STRALLOC_ZERO ;
    struct hcase c = { "big envelope file", 0, 0, 0, 1, 0, 0 } ;
    stralloc_cats(&big, "u0") ; stralloc_0(&big) ; stralloc_cats(&big, "Fa@b") ; stralloc_0(&big) ;
    for (unsigned int i = 0 ; i < 200 ; i++) { stralloc_cats(&big, "Trecipient@example.org") ; stralloc_0(&big) ; }
    stralloc_0(&big) ;
    c.env = big.s ; c.envlen = big.len ;
    put(fn, &c) ;
    TAP_OK(queue_env_read(fn, &sa) == 1 && sa.len == big.len && !memcmp(sa.s, big.s, big.len),
           "an envelope file of %zu bytes (over QUEUE_HEAD) is read whole", big.len) ;
    sa.len = 0 ;
    TAP_OK(queue_env_readmax(fn, &sa, big.len) == 1 && sa.len == big.len && !memcmp(sa.s, big.s, big.len),
           "queue_env_readmax with a bound of its size: read whole") ;
    sa.len = 0 ;
    TAP_OK(!queue_env_readmax(fn, &sa, big.len - 1) && errno == EFBIG && !sa.len,
           "queue_env_readmax with a bound one byte under: EFBIG, nothing kept") ;
    stralloc_free(&sa) ;
    TAP_OK(!queue_env_readmax(fn, &sa, QUEUE_HEAD + 1) && errno == EFBIG && sa.a < 4 * QUEUE_HEAD,
           "queue_env_readmax stops reading near the bound (%zu bytes allocated)", sa.a) ;
    stralloc_free(&sa) ; stralloc_free(&big) ;
  }
  {
    /* a fifo is never waited on; a symbolic link is not followed */
    stralloc sa = STRALLOC_ZERO ;
    char ln[sizeof fn + 4] ;
    unlink(fn) ;
    TAP_OK(mkfifo(fn, 0600) == 0 && !queue_env_read(fn, &sa) && errno == EPROTO, "a fifo: refused (EPROTO) at once") ;
    unlink(fn) ;
    strcpy(ln, fn) ; strcat(ln, ".ln") ;
    TAP_OK(symlink("/etc/passwd", ln) == 0 && !queue_env_read(ln, &sa) && errno == EPROTO, "a symbolic link: refused (EPROTO)") ;
    unlink(ln) ;
    stralloc_free(&sa) ;
  }
  {
    /* a header whose records run to its end with no terminator (the zeros after a shorter one
       end it: the writer checks that the whole header went out) */
    char full[QUEUE_HEAD - QUEUE_HEAD_MAGICLEN] ;
    stralloc sa = STRALLOC_ZERO ;
    struct hcase c = { "unterminated header", 1, full, sizeof full, 0, EPROTO, QUEUE_HEAD } ;
    memset(full, 'a', sizeof full) ; full[0] = 'F' ;
    put(fn, &c) ;
    TAP_OK(!queue_env_read(fn, &sa) && errno == EPROTO && !sa.len, "a header filled with one unterminated record: refused (EPROTO)") ;
    stralloc_free(&sa) ;
  }
  {
    /* the magic alone, read after bytes the caller already has */
    stralloc sa = STRALLOC_ZERO ;
    int fd2 = open(fn, O_WRONLY | O_CREAT | O_TRUNC, 0600) ;
    int ok = fd2 >= 0 && write(fd2, QUEUE_HEAD_MAGIC, QUEUE_HEAD_MAGICLEN) == QUEUE_HEAD_MAGICLEN ;
    if (fd2 >= 0) close(fd2) ;
    ok = ok && stralloc_cats(&sa, "pre") ;
    TAP_OK(ok && !queue_env_read(fn, &sa) && errno == EPROTO && sa.len == 3, "a file of the magic alone: refused (EPROTO), the caller's bytes kept") ;
    stralloc_free(&sa) ;
  }
  unlink(fn) ;
  {
    stralloc sa = STRALLOC_ZERO ;
    TAP_OK(!queue_env_read(fn, &sa) && errno == ENOENT, "a missing file: 0, ENOENT") ;
  }
  return TAP_DONE() ;
}
