/* ISC license. */
/* The control fifo queue/lock/ctl (mode 0600, queue owner): berth-qctl writes one command a
   line, "<verb> <id> <replyname>\n"; berth-send applies it to its memory and its durable state
   the way it records delivery results, then writes "<word> <text>\n" into the fifo
   queue/lock/<replyname> (never blocking). Verbs: hold, release, retry, delete, bounce, requeue
   (requeue.c).
   Trust: whoever can write the fifo is the queue owner or root; lines are still length-checked
   and reply names restricted to queue/lock/qctl.* fifos. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/qtool.h>
#include "send.h"

#define REPLYNAME_MAX 64

int ctl_init (void)
{
  int fd ;
  struct stat st ;
  /* one berth-send per queue; berth-qctl -o edits files only while it holds this lock */
  fd = open(QUEUE_SENDLOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600) ;
  if (fd < 0) strerr_diefu2sys(111, "open ", QUEUE_SENDLOCK) ;
  if (flock(fd, LOCK_EX | LOCK_NB) < 0)
  {
    if (error_isagain(errno)) strerr_dief1x(111, "another berth-send (or berth-qctl -o) holds " QUEUE_SENDLOCK) ;
    strerr_diefu2sys(111, "lock ", QUEUE_SENDLOCK) ;
  }
  if (mkdir(QUEUE_INFO, 0700) < 0 && errno != EEXIST) strerr_diefu2sys(111, "mkdir ", QUEUE_INFO) ;
  if (mkdir(QUEUE_HOLD, 0700) < 0 && errno != EEXIST) strerr_diefu2sys(111, "mkdir ", QUEUE_HOLD) ;
  info_clean() ;
  if (mkfifo(QUEUE_CTL, 0600) < 0 && errno != EEXIST) { strerr_warnwu2sys("mkfifo ", QUEUE_CTL) ; return -1 ; }
  fd = open(QUEUE_CTL, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) { strerr_warnwu2sys("open ", QUEUE_CTL) ; return -1 ; }
  if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
  {
    strerr_warnw2x(QUEUE_CTL, " is not a fifo of mine with mode 0600: queue control disabled") ;
    fd_close(fd) ;
    return -1 ;
  }
  if (open(QUEUE_CTL, O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0) strerr_diefu2sys(111, "open ", QUEUE_CTL) ;
  return fd ;
}

static int replyname_ok (char const *s)
{
  size_t n = strlen(s) ;
  if (n <= sizeof(QTOOL_REPLY_PREFIX) - 1 || n > REPLYNAME_MAX || strncmp(s, QTOOL_REPLY_PREFIX, sizeof(QTOOL_REPLY_PREFIX) - 1)) return 0 ;
  for (size_t i = 0 ; i < n ; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '.' || s[i] == '-' || s[i] == '_')) return 0 ;
  return 1 ;
}

static void reply (char const *name, char const *word, char const *text)
{
  char fn[sizeof(QUEUE_CTL_REPLYDIR) + REPLYNAME_MAX] ;
  char line[QTOOL_LINE_MAX] ;
  size_t n = 0, wl = strlen(word), tl = strlen(text) ;
  struct stat st ;
  int fd ;
  if (!replyname_ok(name)) return ;
  memcpy(fn, QUEUE_CTL_REPLYDIR, sizeof(QUEUE_CTL_REPLYDIR) - 1) ;
  strcpy(fn + sizeof(QUEUE_CTL_REPLYDIR) - 1, name) ;
  fd = open(fn, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC) ;
  if (fd < 0) { strerr_warnwu2sys("open ", fn) ; return ; }
  if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) { fd_close(fd) ; return ; }
  if (wl + tl + 2 > sizeof line) tl = sizeof line - wl - 2 ;
  memcpy(line, word, wl) ; n = wl ;
  line[n++] = ' ' ;
  memcpy(line + n, text, tl) ; n += tl ;
  line[n++] = '\n' ;
  if (fd_write(fd, line, n) != (ssize_t)n) strerr_warnwu2sys("write ", fn) ;
  fd_close(fd) ;
}

/* "<sec>.<usec>.<pid>": digits and dots only, so it never names a path outside the queue */
static int id_ok (char const *id)
{
  size_t n = strlen(id) ;
  if (!n || n >= QUEUE_ID_MAX || id[0] == '.') return 0 ;
  for (size_t i = 0 ; i < n ; i++) if (id[i] != '.' && (id[i] < '0' || id[i] > '9')) return 0 ;
  return 1 ;
}

/* a name within one queue directory */
static int plain (char const *id)
{
  return id[0] && id[0] != '.' && !strchr(id, '/') && strlen(id) < QUEUE_ID_MAX ;
}

static void logctl (char const *verb, char const *id, char const *word, char const *text)
{
  log_start() ; log_key("event", "ctl") ; log_key("cmd", verb) ; log_key("id", id) ;
  log_key("result", word) ; log_keyq("text", text, strlen(text)) ; log_end() ;
}

/* pending recipients done now: bounce records first (bounce), then the marks, as for results */
static size_t finish_pending (ctx *c, uint32_t m, int bounce)
{
  genalloc done = GENALLOC_ZERO ;
  size_t n = genalloc_len(rcpt, &MSG(c, m)->rcpts), k ;
  for (uint32_t r = 0 ; r < n ; r++)
  {
    if (RCPT(c, m, r)->st != RC_PENDING) continue ;
    if (bounce) bounce_append(c, m, r, BOUNCE_PERM, QTOOL_BOUNCE_TEXT, sizeof(QTOOL_BOUNCE_TEXT) - 1) ;
    if (!genalloc_append(uint32_t, &done, &r)) strerr_diefu1sys(111, "allocate") ;
  }
  k = genalloc_len(uint32_t, &done) ;
  state_mark(c, m, genalloc_s(uint32_t, &done), k) ;
  for (size_t i = 0 ; i < k ; i++) RCPT(c, m, genalloc_s(uint32_t, &done)[i])->st = RC_DONE ;
  MSG(c, m)->npending -= k ;
  genalloc_free(uint32_t, &done) ;
  return k ;
}

static void apply (ctx *c, char const *verb, char const *id, char const *rname)
{
  char text[128] ;
  char const *word = QTOOL_REPLY_OK ;
  int m ;
  msg *x ;
  size_t n = 0 ;
  if (plain(id) && msg_find(c, id) < 0 && quarantined(id))
  {
    /* never read again by berth-send: only delete applies (any name: an invalid id too) */
    if (strcmp(verb, "delete")) strcpy(text, "quarantined: only delete applies") ;
    else if (queue_bad_remove(id) < 0) { word = QTOOL_REPLY_ERROR ; strcpy(text, "cannot remove the quarantined entry") ; }
    else strcpy(text, "quarantined entry deleted") ;
    goto end ;
  }
  if (!id_ok(id)) { word = QTOOL_REPLY_NOMSG ; strcpy(text, "not a queue id") ; goto end ; }
  m = msg_find(c, id) ;
  if (m < 0 && state_preprocess(c, id)) m = msg_find(c, id) ;
  if (m < 0) { word = QTOOL_REPLY_NOMSG ; strcpy(text, "no such message") ; goto end ; }
  x = MSG(c, m) ;
  if (!strcmp(verb, "hold"))
  {
    if (!hold_set(id, 1)) { word = QTOOL_REPLY_ERROR ; strcpy(text, "cannot write the hold mark") ; goto end ; }
    x->held = 1 ;
    strcpy(text, "held") ;
  }
  else if (!strcmp(verb, "release"))
  {
    if (!hold_set(id, 0)) { word = QTOOL_REPLY_ERROR ; strcpy(text, "cannot remove the hold mark") ; goto end ; }
    x->held = 0 ;
    for (uint32_t r = 0 ; r < genalloc_len(rcpt, &x->rcpts) ; r++)
    {
      rcpt *rc = RCPT(c, m, r) ;
      if (rc->st == RC_PENDING) { sched_rcpt(c, m, r, rc->next > c->now ? rc->next : c->now) ; n++ ; x = MSG(c, m) ; }
    }
    strcpy(text, "released") ;
  }
  else if (!strcmp(verb, "retry"))
  {
    if (x->held) { strcpy(text, "held: not retried") ; goto end ; }
    for (uint32_t r = 0 ; r < genalloc_len(rcpt, &x->rcpts) ; r++)
      if (RCPT(c, m, r)->st == RC_PENDING) { sched_rcpt(c, m, r, c->now) ; n++ ; x = MSG(c, m) ; }
    text[uint64_fmt(text, n)] = 0 ;
    strcat(text, " recipients scheduled now") ;
  }
  else if (!strcmp(verb, "requeue"))
  {
    size_t kept ;
    n = requeue_msg(c, m, &kept) ;
    text[uint64_fmt(text, n)] = 0 ;
    strcat(text, " recipients reclassified") ;
    if (kept)
    {
      strcat(text, ", ") ;
      text[strlen(text) + uint64_fmt(text + strlen(text), kept)] = 0 ;
      strcat(text, " local ones kept (no original envelope)") ;
    }
  }
  else if (!strcmp(verb, "delete") || !strcmp(verb, "bounce"))
  {
    if (x->ninflight)
    {
      if (!x->held && hold_set(id, 1)) x->held = 1 ;
      word = QTOOL_REPLY_BUSY ;
      strcpy(text, "recipients in flight: message held, ask again when they finish") ;
      goto end ;
    }
    n = finish_pending(c, m, verb[0] == 'b') ;
    text[uint64_fmt(text, n)] = 0 ;
    strcat(text, verb[0] == 'b' ? " recipients bounced" : " recipients deleted") ;
    logctl(verb, id, word, text) ;
    reply(rname, word, text) ;
    msg_check_done(c, m) ;
    return ;
  }
  else { word = QTOOL_REPLY_ERROR ; strcpy(text, "unknown command") ; }
 end:
  logctl(verb, id, word, text) ;
  reply(rname, word, text) ;
}

static void line (ctx *c, char *s)
{
  char *f[3] ;
  unsigned int n = 0 ;
  char *p = s ;
  while (n < 3 && *p)
  {
    while (*p == ' ') p++ ;
    if (!*p) break ;
    f[n++] = p ;
    while (*p && *p != ' ') p++ ;
    if (*p) *p++ = 0 ;
  }
  while (*p == ' ') p++ ;
  if (n != 3 || *p || !replyname_ok(f[2]))
  {
    log_start() ; log_key("event", "ctl-bad") ; log_end() ;
    if (n == 3) reply(f[2], QTOOL_REPLY_ERROR, "bad command") ;
    return ;
  }
  apply(c, f[0], f[1], f[2]) ;
}

void ctl_read (ctx *c, int fd, stralloc *in)
{
  for (;;)
  {
    ssize_t r ;
    size_t start = 0 ;
    if (!stralloc_readyplus(in, QTOOL_LINE_MAX)) strerr_diefu1sys(111, "allocate") ;
    r = fd_read(fd, in->s + in->len, QTOOL_LINE_MAX) ;
    if (r <= 0) { if (r < 0 && !error_isagain(errno)) strerr_warnwu2sys("read ", QUEUE_CTL) ; return ; }
    in->len += r ;
    for (size_t i = 0 ; i < in->len ; i++)
      if (in->s[i] == '\n')
      {
        in->s[i] = 0 ;
        if (i - start < QTOOL_LINE_MAX && !memchr(in->s + start, 0, i - start)) line(c, in->s + start) ;
        start = i + 1 ;
      }
    memmove(in->s, in->s + start, in->len - start) ;
    in->len -= start ;
    if (in->len >= QTOOL_LINE_MAX) { in->len = 0 ; log_start() ; log_key("event", "ctl-bad") ; log_end() ; }
  }
}
