/* ISC license. */
/* The queue commit (src/libberth/qcommit_*.c), used by berth-queue and berth-smtpd in process:
   the files, the header and its seal, the big envelope in its own file, every refusal leaving
   nothing behind, and the fsync decision made for each file's own filesystem (an answer kept
   for another device is not reused). Runs in a fresh queue under a temporary directory. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <berth/qcommit.h>
#include <berth/qq.h>
#include "tap.h"

#define MSG "Subject: x\n\nhello\n"
#define ENV "Fa@x.example\0Tb@y.example\0Tc@y.example\0"   /* + final NUL: sizeof */
#define FIXED "1764460800.123456.42B"

static char const *const dirs[] = { "queue", "queue/mess", "queue/intd", "queue/todo", "queue/pool", "queue/lock", "control" } ;

static int exists (char const *dir, char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  queue_path(fn, dir, id) ;
  return access(fn, F_OK) == 0 ;
}

static int nothing_left (char const *id)
{
  return !exists(QUEUE_MESS, id) && !exists(QUEUE_INTD, id) && !exists(QUEUE_TODO, id) ;
}

static int same_file (char const *id)
{
  char a[QUEUE_PATH_MAX], b[QUEUE_PATH_MAX] ;
  struct stat x, y ;
  queue_path(a, QUEUE_MESS, id) ;
  queue_path(b, QUEUE_TODO, id) ;
  return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_ino == y.st_ino && x.st_dev == y.st_dev ;
}

/* F, then recipients up to about len bytes, then the final NUL: its length */
static size_t bigenv (char *big, size_t len)
{
  size_t n = 0 ;
  big[n++] = 'F' ; big[n++] = 0 ;
  while (n + 20 < len) { memcpy(big + n, "Trcpt@long.example", 19) ; n += 19 ; }
  big[n++] = 0 ;
  return n ;
}

/* start, the message, the envelope fed in pieces of at most step bytes */
static int inject (qcommit *q, char const *id, char const *env, size_t envlen, size_t step)
{
  size_t i = 0 ;
  int r = qcommit_start(q, id, 1000, "invoked from network") ;
  if (r) return r ;
  if (allwrite(q->fd, MSG, sizeof(MSG) - 1) < sizeof(MSG) - 1) return -1 ;
  while (i < envlen && !q->envdone)
  {
    size_t used ;
    r = qcommit_env(q, env + i, envlen - i < step ? envlen - i : step, &used) ;
    if (r) return r ;
    i += used ;
  }
  return 0 ;
}

int main (void)
{
  char tmpl[] = "/tmp/berth-qcommit.XXXXXX" ;
  char fn[QUEUE_PATH_MAX] ;
  stralloc sa = STRALLOC_ZERO ;
  qcommit_names names = QCOMMIT_NAMES_ZERO ;
  struct stat st ;
  TAP_PLAN(19) ;
  if (!mkdtemp(tmpl) || chdir(tmpl) < 0) { printf("Bail out! no temporary directory\n") ; return 1 ; }
  for (size_t i = 0 ; i < sizeof dirs / sizeof *dirs ; i++)
    if (mkdir(dirs[i], 0700) < 0) { printf("Bail out! mkdir %s\n", dirs[i]) ; return 1 ; }

  {
    qcommit q = QCOMMIT_ZERO ;
    int fd ;
    /* an answer kept for another device must not decide for this file */
    if (stat("queue/mess", &st) < 0) return 1 ;
    names.known = 1 ; names.dev = st.st_dev + 1 ; names.names = 1 ;
    TAP_OK(!inject(&q, 0, ENV, sizeof(ENV), 5) && q.envdone, "a small envelope fed 5 bytes at a time") ;
    TAP_OK(!qcommit_finish(&q, &names), "committed") ;
    TAP_OK(same_file(q.id) && !exists(QUEUE_INTD, q.id), "todo/<id> is a second name of mess/<id>, no intd/<id>") ;
    queue_path(fn, QUEUE_MESS, q.id) ;
    fd = open(fn, O_RDONLY) ;
    TAP_OK(fd >= 0 && queue_head_check(fd, q.id) == 1, "the header is sealed and the file whole") ;
    TAP_OK(fd >= 0 && fstat(fd, &st) == 0 && names.known && names.dev == st.st_dev && names.names == !!queue_fsync_names(fd),
           "the fsync decision was asked for the file's own device (%d)", names.names) ;
    if (fd >= 0) close(fd) ;
    TAP_OK(queue_env_read(fn, &sa) == 2 && sa.len > sizeof(ENV) && !memcmp(sa.s + sa.len - sizeof(ENV), ENV, sizeof(ENV)),
           "the envelope is read back from the header") ;
    sa.len = 0 ;
    TAP_OK(openslurpclose(&sa, fn) && sa.len > QUEUE_HEAD + 17 && !memcmp(sa.s + QUEUE_HEAD, "Received: (berth ", 17)
           && strstr(sa.s + QUEUE_HEAD, " invoked from network); ") && !memcmp(sa.s + sa.len - (sizeof(MSG) - 1), MSG, sizeof(MSG) - 1),
           "the Received line, then the message") ;
    TAP_OK(!memcmp(sa.s + QUEUE_HEAD_MAGICLEN, "u1000", 6), "the u record is the uid given") ;
    sa.len = 0 ;
  }

  {
    /* an envelope too big for the header: its own file, renamed into todo/ */
    qcommit q = QCOMMIT_ZERO ;
    char big[2048] ;
    size_t n = bigenv(big, sizeof big) ;
    TAP_OK(!inject(&q, FIXED, big, n, 700) && !strcmp(q.id, FIXED), "a big envelope under a given id") ;
    TAP_OK(exists(QUEUE_INTD, q.id), "streamed to intd/<id>") ;
    TAP_OK(!qcommit_finish(&q, &names) && exists(QUEUE_TODO, q.id) && exists(QUEUE_MESS, q.id) && !exists(QUEUE_INTD, q.id) && !same_file(q.id),
           "committed: todo/<id> its own file, intd/<id> renamed") ;
    queue_path(fn, QUEUE_TODO, q.id) ;
    TAP_OK(queue_env_read(fn, &sa) == 1 && sa.len > n && !memcmp(sa.s, "u1000", 6) && !memcmp(sa.s + sa.len - n, big, n),
           "todo/<id> holds the whole envelope, u and p records first") ;
    sa.len = 0 ;
  }

  {
    qcommit q = QCOMMIT_ZERO ;
    char id[QUEUE_ID_MAX] ;
    TAP_OK(!inject(&q, "1764460800.000001.1", "Fa\0Tb\0", 6, 6) && !q.envdone, "an envelope without its final NUL") ;
    memcpy(id, q.id, sizeof id) ;
    TAP_OK(qcommit_finish(&q, &names) == QQ_ENVELOPE && nothing_left(id), "finish refuses it (91), nothing left") ;
  }

  {
    qcommit q = QCOMMIT_ZERO ;
    char big[2048] ;
    size_t n = bigenv(big, sizeof big) - 1 ;   /* no final NUL */
    TAP_OK(!inject(&q, "1764460800.000002.1", big, n, 1500) && exists(QUEUE_INTD, q.id), "a big envelope in the making") ;
    qcommit_abort(&q) ;
    qcommit_abort(&q) ;
    TAP_OK(nothing_left("1764460800.000002.1") && q.fd < 0 && q.intdfd < 0, "abort (twice) removes mess/ and intd/, closes both") ;
  }

  {
    qcommit q = QCOMMIT_ZERO ;
    int fd = open(ENVELOPE_RCPTS_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644) ;
    if (fd < 0 || write(fd, "1\n", 2) != 2) return 1 ;
    close(fd) ;
    TAP_OK(inject(&q, "1764460800.000003.1", ENV, sizeof(ENV), sizeof(ENV)) == QQ_PERM_REFUSED && q.e.over == ENVSCAN_OVER_RCPTS,
           "two recipients over enveloperecipients 1: permanent (31)") ;
    TAP_OK(nothing_left("1764460800.000003.1"), "nothing left") ;
    fd = open(ENVELOPE_RCPTS_FILE, O_WRONLY | O_TRUNC, 0644) ;
    if (fd < 0 || write(fd, "lots\n", 5) != 5) return 1 ;
    close(fd) ;
    q = (qcommit)QCOMMIT_ZERO ;
    TAP_OK(qcommit_limits(&q) == QQ_CONFIG, "a limit that is not a number: 55") ;
  }
  stralloc_free(&sa) ;
  if (chdir("/") == 0) rm_rf(tmpl) ;
  return TAP_DONE() ;
}
