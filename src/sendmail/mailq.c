/* ISC license. */
/* sendmail -bp / mailq: a plain listing of the queue, one line per message
   ("<id> size=<bytes> age=<seconds>s from=<sender>", then "  to=<rcpt>" lines), messages still
   without an envelope in todo/ (being written, or taken over by berth-send) marked "not-in-todo". Oldest first.
   Trust: reads the queue as whoever runs it; envelope bytes are printed with control bytes masked. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <skalibs/buffer.h>
#include <skalibs/direntry.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/clock.h>
#include <berth/queue.h>
#include "sendmail.h"

static void out (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = (unsigned char)s[i] < 32 || s[i] == 127 ? '?' : s[i] ;
    if (buffer_put(buffer_1, &c, 1) < 0) strerr_diefu1sys(111, "write to stdout") ;
  }
}

static void outs (char const *s)
{
  if (buffer_puts(buffer_1, s) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static void one (char const *id, int committed, time_t now, stralloc *p, stralloc *env)
{
  struct stat st ;
  char fmt[UINT64_FMT] ;
  if (!queue_path_sa(p, QUEUE_MESS, id)) strerr_diefu1sys(111, "stralloc_cats") ;
  if (stat(p->s, &st) < 0)
  {
    if (errno == ENOENT) return ;   /* delivered meanwhile */
    strerr_diefu2sys(111, "stat ", p->s) ;
  }
  out(id, strlen(id)) ;
  outs(" size=") ;
  fmt[uint64_fmt(fmt, (uint64_t)st.st_size)] = 0 ; outs(fmt) ;
  outs(" age=") ;
  fmt[uint64_fmt(fmt, now > st.st_mtime ? (uint64_t)(now - st.st_mtime) : 0)] = 0 ; outs(fmt) ;
  outs("s") ;
  if (!committed) { outs(" not-in-todo\n") ; return ; }
  if (!queue_path_sa(p, QUEUE_TODO, id)) strerr_diefu1sys(111, "stralloc_cats") ;
  env->len = 0 ;
  if (!openslurpclose(env, p->s))
  {
    if (errno == ENOENT) { outs(" done\n") ; return ; }
    strerr_diefu2sys(111, "read ", p->s) ;
  }
  for (size_t i = 0 ; i < env->len ; )
  {
    char const *r = env->s + i ;
    size_t len = strnlen(r, env->len - i) ;
    if (!len) break ;
    if (r[0] == 'F') { outs(" from=<") ; out(r + 1, len - 1) ; outs(">\n") ; }
    else if (r[0] == 'T') { outs("  to=<") ; out(r + 1, len - 1) ; outs(">\n") ; }
    i += len + 1 ;
  }
}

static void ids (char const *dir, stralloc *sa)
{
  if (queue_listdir(dir, sa) < 0) strerr_diefu2sys(111, "read ", dir) ;
}

/* Ids in order: by seconds, then microseconds (the start of "<sec>.<usec>.<pid>"). */
static int idcmp (void const *a, void const *b)
{
  char const *x = *(char const *const *)a, *y = *(char const *const *)b ;
  return queue_id_cmp(x, y) ;
}

static int ptrcmp (void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b) ;
}

/* An array of pointers to the NUL-terminated ids in sa, sorted with cmp; *n set. */
static char const **sorted (stralloc const *sa, size_t *n, int (*cmp)(void const *, void const *))
{
  char const **list ;
  size_t k = 0 ;
  *n = 0 ;
  for (size_t i = 0 ; i < sa->len ; i += strlen(sa->s + i) + 1) (*n)++ ;
  list = malloc((*n ? *n : 1) * sizeof *list) ;
  if (!list) strerr_diefu1sys(111, "malloc") ;
  for (size_t i = 0 ; i < sa->len ; i += strlen(sa->s + i) + 1) list[k++] = sa->s + i ;
  qsort(list, *n, sizeof *list, cmp) ;
  return list ;
}

int mailq_list (void)
{
  stralloc todo = STRALLOC_ZERO, mess = STRALLOC_ZERO, p = STRALLOC_ZERO, env = STRALLOC_ZERO ;
  time_t now = berth_clock_ms() / 1000 ;
  size_t n, ntodo ;
  char const **list, **tlist ;
  char fmt[SIZE_FMT] ;
  ids(QUEUE_TODO, &todo) ;
  ids(QUEUE_MESS, &mess) ;
  tlist = sorted(&todo, &ntodo, &ptrcmp) ;
  list = sorted(&mess, &n, &idcmp) ;
  for (size_t k = 0 ; k < n ; k++)
    one(list[k], !!bsearch(list + k, tlist, ntodo, sizeof *tlist, &ptrcmp), now, &p, &env) ;
  fmt[size_fmt(fmt, n)] = 0 ;
  if (!n) outs("queue empty\n") ;
  else { outs(fmt) ; outs(n == 1 ? " message\n" : " messages\n") ; }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return 0 ;
}
