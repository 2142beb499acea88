/* ISC license. */
/* Directory scans: new messages in todo/ (on trigger and periodically), state/ at start, and
   stale leftovers in mess/ and intd/ (QUEUE_STALE_SECONDS). */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/direntry.h>
#include <skalibs/strerr.h>
#include "send.h"

static int exists (char const *dir, size_t dirlen, char const *id)
{
  size_t len = strlen(id) ;
  char fn[dirlen + len + 2] ;
  memcpy(fn, dir, dirlen) ; fn[dirlen] = '/' ; memcpy(fn + dirlen + 1, id, len + 1) ;
  return access(fn, F_OK) == 0 || errno != ENOENT ;
}

/* names of a directory, collected first so that unlinks during the walk do not disturb it */
static int listdir (char const *dir, stralloc *names)
{
  names->len = 0 ;
  if (queue_listdir(dir, names) < 0) { strerr_warnwu2sys("read ", dir) ; return 0 ; }
  return 1 ;
}

/* One batch from the current listing of todo/; todo/ is listed again only once that listing is
   used up and a scan was asked for (trigger, timer, child exit). A large todo/ is thus taken in
   batches between turns of the main loop, and deliveries start with the first batch. */
void todo_step (ctx *c)
{
  size_t i, k = 0 ;
  if (c->todopos >= c->todo.len)
  {
    size_t j = 0 ;
    if (!c->todoscan) return ;
    c->todoscan = 0 ;
    c->todopos = 0 ;
    if (!listdir(QUEUE_TODO, &c->todo)) { c->todo.len = 0 ; return ; }
    /* keep the names not blocked and not already in memory (delivered from todo/), in place */
    for (i = 0 ; i < c->todo.len ;)
    {
      size_t len = strlen(c->todo.s + i) + 1 ;
      if (msg_find(c, c->todo.s + i) < 0 && !bouncer_blocks(c->todo.s + i) && !delay_blocks(c->todo.s + i))
      {
        memmove(c->todo.s + j, c->todo.s + i, len) ;
        j += len ;
      }
      i += len ;
    }
    c->todo.len = j ;
  }
  {
    /* a turn spent preprocessing leaves finished delivery slots idle: keep it short when the
       channels already have work waiting in memory */
    size_t limit = PREP_BATCH ;
    for (unsigned int ch = 0 ; ch < CHAN_N ; ch++)
      if (genalloc_len(hent, &c->ch[ch].heap) > 2 * c->conc[ch]) limit = PREP_BATCH_BUSY ;
    for (i = c->todopos ; i < c->todo.len && k < limit ; k++) i += strlen(c->todo.s + i) + 1 ;
  }
  state_preprocess_list(c, c->todo.s + c->todopos, i - c->todopos) ;
  c->todopos = i ;
}

int todo_pending (ctx const *c)
{
  return c->todopos < c->todo.len || c->todoscan ;
}

void scan_todo (ctx *c)
{
  c->todoscan = 1 ;
  todo_step(c) ;
}

void scan_state (ctx *c)
{
  stralloc names = STRALLOC_ZERO ;
  if (listdir(QUEUE_STATE, &names))
    for (size_t i = 0 ; i < names.len ; i += strlen(names.s + i) + 1)
      if (!exists(QUEUE_TODO, sizeof(QUEUE_TODO) - 1, names.s + i))
        state_load(c, names.s + i) ;
  stralloc_free(&names) ;
}

static void clean_dir (ctx *c, char const *dir, size_t dirlen, int ismess)
{
  stralloc names = STRALLOC_ZERO ;
  uint64_t limit = c->now / 1000 - QUEUE_STALE_SECONDS ;
  if (listdir(dir, &names))
    for (size_t i = 0 ; i < names.len ; i += strlen(names.s + i) + 1)
    {
      char const *id = names.s + i ;
      size_t len = strlen(id) ;
      char fn[dirlen + len + 2] ;
      struct stat st ;
      memcpy(fn, dir, dirlen) ; fn[dirlen] = '/' ; memcpy(fn + dirlen + 1, id, len + 1) ;
      if (lstat(fn, &st) < 0 || (uint64_t)st.st_mtime >= limit) continue ;
      if (ismess && (exists(QUEUE_TODO, sizeof(QUEUE_TODO) - 1, id) || exists(QUEUE_STATE, sizeof(QUEUE_STATE) - 1, id)
                  || exists(QUEUE_INTD, sizeof(QUEUE_INTD) - 1, id))) continue ;
      if (unlink(fn) < 0) { strerr_warnwu2sys("unlink ", fn) ; continue ; }
      log_start() ; log_key("event", "stale") ; log_key("file", fn) ; log_end() ;
    }
  stralloc_free(&names) ;
}

void scan_clean (ctx *c)
{
  clean_dir(c, QUEUE_INTD, sizeof(QUEUE_INTD) - 1, 0) ;
  clean_dir(c, QUEUE_MESS, sizeof(QUEUE_MESS) - 1, 1) ;
}
