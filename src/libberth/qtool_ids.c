/* ISC license. */
/* The queue tools: ids of every committed message (todo/ and state/) and of every quarantined
   entry (bad/, absent before the first berth-send that quarantines), oldest first.
   Trust: directory names only; names starting with a dot are skipped. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/direntry.h>
#include <skalibs/types.h>
#include <berth/queue.h>
#include <berth/sendqueue.h>
#include <berth/qtool.h>

static int qcmp (void const *a, void const *b, void *aux)
{
  char const *s = aux ;
  return queue_id_cmp(s + *(size_t const *)a, s + *(size_t const *)b) ;
}

int qtool_ids (stralloc *sa, genalloc *list)
{
  size_t *v, n, j = 0 ;
  sa->len = 0 ;
  genalloc_setlen(size_t, list, 0) ;
  if (queue_listdir(QUEUE_TODO, sa) < 0 || queue_listdir(QUEUE_STATE, sa) < 0
   || queue_listdir(QUEUE_BAD, sa) < 0) return -1 ;
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
