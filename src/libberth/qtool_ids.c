/* ISC license. */
/* The queue tools: ids of every committed message (todo/ and state/), oldest first.
   Trust: directory names only; names starting with a dot are skipped. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/direntry.h>
#include <skalibs/types.h>
#include <berth/sendqueue.h>
#include <berth/qtool.h>

static int listdir (char const *dir, stralloc *sa)
{
  DIR *d = opendir(dir) ;
  if (!d) return errno == ENOENT ? 0 : -1 ;
  for (;;)
  {
    direntry *e ;
    errno = 0 ;
    e = readdir(d) ;
    if (!e) break ;
    if (e->d_name[0] == '.' || strlen(e->d_name) >= QUEUE_ID_MAX) continue ;
    if (!stralloc_cats(sa, e->d_name) || !stralloc_0(sa)) { dir_close(d) ; return -1 ; }
  }
  if (errno) { int e = errno ; dir_close(d) ; errno = e ; return -1 ; }
  dir_close(d) ;
  return 0 ;
}

/* by seconds, then microseconds ("<sec>.<usec>.<pid>"), then bytes */
static int idcmp (char const *x, char const *y)
{
  uint64_t xs = 0, ys = 0 ;
  unsigned long xu = 0, yu = 0 ;
  size_t i = uint64_scan(x, &xs), j = uint64_scan(y, &ys) ;
  if (xs != ys) return xs < ys ? -1 : 1 ;
  if (x[i] == '.') ulong_scan(x + i + 1, &xu) ;
  if (y[j] == '.') ulong_scan(y + j + 1, &yu) ;
  if (xu != yu) return xu < yu ? -1 : 1 ;
  return strcmp(x, y) ;
}

static int qcmp (void const *a, void const *b, void *aux)
{
  char const *s = aux ;
  return idcmp(s + *(size_t const *)a, s + *(size_t const *)b) ;
}

int qtool_ids (stralloc *sa, genalloc *list)
{
  size_t *v, n, j = 0 ;
  sa->len = 0 ;
  genalloc_setlen(size_t, list, 0) ;
  if (listdir(QUEUE_TODO, sa) < 0 || listdir(QUEUE_STATE, sa) < 0) return -1 ;
  for (size_t i = 0 ; i < sa->len ; i += strlen(sa->s + i) + 1)
    if (!genalloc_append(size_t, list, &i)) return -1 ;
  v = genalloc_s(size_t, list) ;
  n = genalloc_len(size_t, list) ;
  if (n) qsort_r(v, n, sizeof(size_t), &qcmp, sa->s) ;   /* v is null when the queue is empty */
  for (size_t i = 0 ; i < n ; i++)
    if (!j || strcmp(sa->s + v[j-1], sa->s + v[i])) v[j++] = v[i] ;
  genalloc_setlen(size_t, list, j) ;
  return 0 ;
}
