/* ISC license. */
/* Directory scans: new messages in todo/ (on trigger and periodically), state/ at start, sealed
   message files whose todo/ link a reboot lost (at start, once per boot), and stale leftovers in
   mess/ and intd/ (QUEUE_STALE_SECONDS). */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/direntry.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "send.h"

static int exists (char const *dir, size_t dirlen, char const *id)
{
  size_t len = strlen(id) ;
  char fn[dirlen + len + 2] ;
  queue_path(fn, dir, id) ;
  return access(fn, F_OK) == 0 || errno != ENOENT ;
}

/* names of a directory, collected first so that unlinks during the walk do not disturb it */
static int listdir (char const *dir, stralloc *names)
{
  names->len = 0 ;
  if (queue_listdir(dir, names) < 0) { strerr_warnwu2sys("read ", dir) ; return 0 ; }
  return 1 ;
}

/* 1 when the messages in memory leave room for more (SEND_MEM_MAX); the change is logged. */
static int mem_room (ctx *c)
{
  int full = c->memused >= SEND_MEM_MAX ;
  if (full != c->memfull)
  {
    c->memfull = full ;
    log_start() ; log_key("event", full ? "memory-full" : "memory-room") ;
    log_keyu("bytes", c->memused) ; log_end() ;
  }
  return !full ;
}

/* todo/'s names, at most SEND_LIST_MAX of those not blocked and not already in memory (delivered
   from todo/); more left: listed again once these are used up. */
static int listtodo (ctx *c)
{
  DIR *d = opendir(QUEUE_TODO) ;
  size_t k = 0 ;
  c->todo.len = 0 ;
  if (!d) { strerr_warnwu2sys("open ", QUEUE_TODO) ; return 0 ; }
  for (;;)
  {
    direntry *e ;
    errno = 0 ;
    e = readdir(d) ;
    if (!e) break ;
    if (e->d_name[0] == '.') continue ;   /* a long name is kept: prep.c quarantines it */
    if (msg_find(c, e->d_name) >= 0 || bouncer_blocks(e->d_name) || delay_blocks(e->d_name)) continue ;
    if (k++ == SEND_LIST_MAX) { c->todoscan = 1 ; break ; }
    if (!stralloc_cats(&c->todo, e->d_name) || !stralloc_0(&c->todo)) strerr_diefu1sys(111, "allocate") ;
  }
  if (errno) { strerr_warnwu2sys("read ", QUEUE_TODO) ; c->todo.len = 0 ; }
  dir_close(d) ;
  return !errno ;
}

/* state/ entries not yet loaded (scan_state), before todo/, while memory allows */
static void state_step (ctx *c)
{
  for (size_t k = 0 ; c->statepos < c->states.len && k < PREP_BATCH && mem_room(c) ; k++)
  {
    char const *id = c->states.s + c->statepos ;
    c->statepos += strlen(id) + 1 ;
    if (!exists(QUEUE_TODO, sizeof(QUEUE_TODO) - 1, id) && msg_find(c, id) < 0) state_load(c, id) ;
  }
}

/* One batch from the current listing of todo/; todo/ is listed again only once that listing is
   used up and a scan was asked for (trigger, timer, child exit). A large todo/ is thus taken in
   batches between turns of the main loop, and deliveries start with the first batch. */
void todo_step (ctx *c)
{
  size_t i, k = 0 ;
  state_step(c) ;
  if (c->statepos < c->states.len || !mem_room(c)) return ;
  if (c->todopos >= c->todo.len)
  {
    if (!c->todoscan) return ;
    c->todoscan = 0 ;
    c->todopos = 0 ;
    msgs_sync(c) ;   /* no todo/ name of a message removed since */
    if (!listtodo(c)) return ;
  }
  {
    /* a turn spent preprocessing leaves finished delivery slots idle: keep it short when the
       channels already have work waiting in memory */
    size_t limit = PREP_BATCH ;
    for (unsigned int ch = 0 ; ch < CHAN_N ; ch++)
      if (genalloc_len(hent, &c->ch[ch].heap) > 2 * c->conc[ch]) limit = PREP_BATCH_BUSY ;
    /* one at a time: the memory bound is checked before each entry, not each batch */
    for (; c->todopos < c->todo.len && k < limit && mem_room(c) ; k++)
    {
      i = strlen(c->todo.s + c->todopos) + 1 ;
      state_preprocess_list(c, c->todo.s + c->todopos, i) ;
      c->todopos += i ;
    }
  }
}

int todo_pending (ctx *c)
{
  return (c->statepos < c->states.len || c->todopos < c->todo.len || c->todoscan) && mem_room(c) ;
}

void scan_todo (ctx *c)
{
  c->todoscan = 1 ;
  todo_step(c) ;
}

/* at start: state/ is listed (names only), and loaded by state_step as memory allows */
void scan_state (ctx *c)
{
  c->statepos = 0 ;
  if (!listdir(QUEUE_STATE, &c->states)) c->states.len = 0 ;
  state_step(c) ;
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
      queue_path(fn, dir, id) ;
      if (lstat(fn, &st) < 0 || (uint64_t)st.st_mtime >= limit) continue ;
      if (ismess && (exists(QUEUE_TODO, sizeof(QUEUE_TODO) - 1, id) || exists(QUEUE_STATE, sizeof(QUEUE_STATE) - 1, id)
                  || exists(QUEUE_INTD, sizeof(QUEUE_INTD) - 1, id) || exists(QUEUE_BAD, sizeof(QUEUE_BAD) - 1, id))) continue ;
      if (unlink(fn) < 0) { strerr_warnwu2sys("unlink ", fn) ; continue ; }
      log_start() ; log_key("event", "stale") ; log_key("file", fn) ; log_end() ;
    }
  stralloc_free(&names) ;
}

/* pool/<id> left by a crash between a removal and its move to a slot (msgs.c). With mess/<id>
   still there (a rename half on disk, its link count mended by fsck) the removal did not happen:
   only the second name goes. Otherwise the removal is finished (todo/<id>, state/<id>) and the
   file goes to a slot. */
static void clean_pool (ctx *c)
{
  stralloc names = STRALLOC_ZERO ;
  msgs_sync(c) ;   /* the removals of this turn first: their pool/<id> are not leftovers */
  if (listdir(QUEUE_POOL, &names))
    for (size_t i = 0 ; i < names.len ; i += strlen(names.s + i) + 1)
    {
      char const *id = names.s + i ;
      if (id[0] == 's' || id[0] == '.') continue ;
      if (exists(QUEUE_MESS, sizeof(QUEUE_MESS) - 1, id))
      {
        unlink_in(QUEUE_POOL, sizeof(QUEUE_POOL) - 1, id) ;
        continue ;
      }
      unlink_in(QUEUE_TODO, sizeof(QUEUE_TODO) - 1, id) ;
      unlink_in(QUEUE_STATE, sizeof(QUEUE_STATE) - 1, id) ;
      pool_put(c, id) ;
    }
  stralloc_free(&names) ;
}

void scan_clean (ctx *c)
{
  clean_pool(c) ;
  clean_dir(c, QUEUE_INTD, sizeof(QUEUE_INTD) - 1, 0) ;
  clean_dir(c, QUEUE_MESS, sizeof(QUEUE_MESS) - 1, 1) ;
}

#define BOOT_ID "/proc/sys/kernel/random/boot_id"
#define BOOT_NOTELEN 128

/* 1 when mess/<id> is a sealed, whole message file with no todo/, intd/ or bad/ name and no
   whole state/<id>: a commit whose link into todo/ a reboot lost (doc/queue.md, "The seal"). A
   state file that a crash cut short does not count: its fsync never ended, so berth-send never
   unlinked todo/<id>; the link alone was lost. The link count is not looked at: a crash can leave
   the file other names (a pool slot or pool/<id> whose rename into or out of mess/ half reached
   the disk, a todo/ name of the id it had before it was pooled), which the cleanup removes. */
static int orphan (ctx *c, char const *fn, char const *id)
{
  struct stat st ;
  int fd, r ;
  if (lstat(fn, &st) < 0 || !S_ISREG(st.st_mode)) return 0 ;
  if (exists(QUEUE_TODO, sizeof(QUEUE_TODO) - 1, id) || exists(QUEUE_INTD, sizeof(QUEUE_INTD) - 1, id)
   || exists(QUEUE_BAD, sizeof(QUEUE_BAD) - 1, id) || state_file_whole(c, id)) return 0 ;
  fd = open(fn, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) ;
  if (fd < 0) { strerr_warnwu2sys("open ", fn) ; return 0 ; }
  r = queue_head_check(fd, id) ;
  if (r < 0) strerr_warnwu2sys("read ", fn) ;
  fd_close(fd) ;
  return r > 0 ;
}

/* What identifies this boot and this mount of the queue's filesystem: the kernel's boot id, then
   the mount's id (another after an unmount and a mount again, as after an I/O error). 0 when the
   boot id cannot be read: then every start walks mess/. */
static size_t boot_note (char *s, size_t max)
{
  struct statx stx ;
  ssize_t n = openreadnclose(BOOT_ID, s, max - 2 - UINT64_FMT) ;
  if (n <= 0) return 0 ;
  if (statx(AT_FDCWD, QUEUE_MESS, 0, STATX_MNT_ID, &stx) == 0 && stx.stx_mask & STATX_MNT_ID)
  {
    memcpy(s + n, "m", 1) ; n++ ;
    n += uint64_fmt(s + n, stx.stx_mnt_id) ;
    s[n++] = '\n' ;
  }
  return (size_t)n ;
}

/* After a reboot (another boot or mount noted than in QUEUE_BOOT), every sealed message file
   without its todo/ name gets it back before anything else reads the queue; within one boot and
   mount a link that succeeded cannot be lost, so a restart skips the walk. */
void scan_recover (ctx *c)
{
  char boot[BOOT_NOTELEN], noted[BOOT_NOTELEN] ;
  size_t blen = boot_note(boot, sizeof boot) ;
  ssize_t nlen = openreadnclose(QUEUE_BOOT, noted, sizeof noted) ;
  stralloc names = STRALLOC_ZERO ;
  size_t n = 0 ;
  if (blen && nlen == (ssize_t)blen && !memcmp(boot, noted, blen)) return ;
  if (listdir(QUEUE_MESS, &names))
    for (size_t i = 0 ; i < names.len ; i += strlen(names.s + i) + 1)
    {
      char const *id = names.s + i ;
      size_t len = strlen(id) ;
      char fn[sizeof(QUEUE_TODO) + len + 1], todo[sizeof(QUEUE_TODO) + len + 1] ;
      queue_path(fn, QUEUE_MESS, id) ;
      queue_path(todo, QUEUE_TODO, id) ;
      if (id[0] == '.' || !orphan(c, fn, id)) continue ;
      if (queue_link(fn, todo) < 0) { strerr_warnwu4sys("link ", fn, " to ", todo) ; continue ; }
      log_start() ; log_key("event", "recover") ; log_key("id", id) ; log_end() ;
      n++ ;
    }
  stralloc_free(&names) ;
  if (n && queue_syncdir(QUEUE_TODO) < 0) strerr_diefu2sys(111, "sync ", QUEUE_TODO) ;
  /* noted only once the links are durable: a crash before makes the next start walk again */
  if (blen && !openwritenclose_suffix(QUEUE_BOOT, boot, blen, ".tmp"))
    strerr_warnwu2sys("write ", QUEUE_BOOT) ;
}
