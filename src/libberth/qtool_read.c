/* ISC license. */
/* The queue tools: a read-only view of one message: bad/<id> (quarantined: its contents are not
   read, whatever their size; info/<id> holds the reason), state/<id> (preprocessed) or todo/<id>
   (committed envelope), the message's size, hold/<id>, bounce/<id> and info/<id>.
   Safe while berth-send runs: files are only read; one that vanishes meanwhile means "gone".
   Trust: formats are checked; a malformed file is reported as an error (EPROTO). */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/bytestr.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/dsn.h>
#include <berth/sendqueue.h>
#include <berth/qtool.h>

static uint64_t mtime_ms (struct stat const *st)
{
  return (uint64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000 ;
}

static int exists (char const *dir, char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  queue_path(fn, dir, id) ;
  return access(fn, F_OK) == 0 ;
}

/* bounce/<id> holds a record of a recipient whose queue lifetime ended */
static int expired (char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  stralloc sa = STRALLOC_ZERO ;
  genalloc ga = GENALLOC_ZERO ;   /* dsn_rcpt */
  int r = 0 ;
  queue_path(fn, QUEUE_BOUNCE, id) ;
  if (openslurpclose(&sa, fn) && dsn_records_parse(&ga, sa.s, sa.len) > 0)
    for (size_t i = 0 ; i < genalloc_len(dsn_rcpt, &ga) ; i++)
      if (genalloc_s(dsn_rcpt, &ga)[i].status == DSN_REC_LIFETIME) r = 1 ;
  genalloc_free(dsn_rcpt, &ga) ;
  stralloc_free(&sa) ;
  return r ;
}

static int addrcpt (qtool_msg *m, char const *s, size_t n, char mark, char chan)
{
  qtool_rcpt r = { .addr = m->data.len, .params = 0, .mark = mark, .chan = chan } ;
  return stralloc_catb(&m->data, s, n) && stralloc_0(&m->data) && genalloc_append(qtool_rcpt, &m->rcpts, &r) ;
}

/* An extension record's params (E after F, R after a recipient: doc/queue.md) into data:
   *off is set to them. 1, -1 out of memory. */
static int ext (qtool_msg *m, char const *s, size_t n, size_t *off)
{
  *off = m->data.len ;
  return stralloc_catb(&m->data, s, n) && stralloc_0(&m->data) ? 1 : -1 ;
}

static size_t *lastparams (qtool_msg *m)
{
  return &genalloc_s(qtool_rcpt, &m->rcpts)[genalloc_len(qtool_rcpt, &m->rcpts) - 1].params ;
}

/* B<birth>\0F<sender>\0 [E<params>\0] (<mark><chan><addr>\0 [R<params>\0])* \0 */
static int parse_state (qtool_msg *m, char const *s, size_t len)
{
  size_t i, n ;
  if (len < 2 || s[len-1] || s[len-2] || s[0] != 'B') return 0 ;
  n = uint64_scan(s + 1, &m->birth) ;
  if (!n || s[1 + n]) return 0 ;
  i = n + 2 ;
  if (i >= len || s[i] != 'F') return 0 ;
  n = strlen(s + i + 1) ;
  if (!stralloc_catb(&m->data, s + i + 1, n + 1)) return -1 ;
  i += n + 2 ;
  if (i < len && s[i] == 'E')
  {
    n = strlen(s + i) ;
    if (ext(m, s + i + 1, n - 1, &m->mparams) < 0) return -1 ;
    i += n + 1 ;
  }
  while (i < len && s[i])
  {
    n = strlen(s + i) ;
    if (n < 2 || (s[i] != 'T' && s[i] != 'D') || (s[i+1] != 'L' && s[i+1] != 'R')) return 0 ;
    if (!addrcpt(m, s + i + 2, n - 2, s[i], s[i+1])) return -1 ;
    i += n + 1 ;
    if (i < len && s[i] == 'R')
    {
      n = strlen(s + i) ;
      if (ext(m, s + i + 1, n - 1, lastparams(m)) < 0) return -1 ;
      i += n + 1 ;
    }
  }
  return 1 ;
}

/* u<uid>\0p<pid>\0F<sender>\0[E<params>\0]T<rcpt>\0[R<params>\0]...\0 */
static int parse_todo (qtool_msg *m, char const *s, size_t len)
{
  int sender = 0 ;
  char last = 0 ;
  for (size_t i = 0 ; i < len && s[i] ; )
  {
    size_t n = strnlen(s + i, len - i) ;
    if (i + n >= len) return 0 ;
    if (s[i] == 'F' && !sender)
    {
      if (!stralloc_catb(&m->data, s + i + 1, n)) return -1 ;
      sender = 1 ;
    }
    else if (s[i] == 'T' && sender)
    {
      if (!addrcpt(m, s + i + 1, n - 1, 0, 0)) return -1 ;
    }
    else if ((s[i] == 'E' && last == 'F') || (s[i] == 'R' && last == 'T'))
    {
      if (ext(m, s + i + 1, n - 1, s[i] == 'E' ? &m->mparams : lastparams(m)) < 0) return -1 ;
    }
    last = s[i] ;
    i += n + 1 ;
  }
  return sender ;
}

static void parse_info (qtool_msg *m, char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  size_t i = 0, len ;
  queue_path(fn, QUEUE_INFO, id) ;
  m->tmp.len = 0 ;
  if (!openslurpclose(&m->tmp, fn)) return ;
  len = m->tmp.len ;
  if (len < 2 || m->tmp.s[len-1] || m->tmp.s[len-2]) return ;
  while (i < len && m->tmp.s[i])
  {
    char const *f = m->tmp.s + i ;
    size_t n = strlen(f) ;
    switch (f[0])
    {
      case 'N' : uint64_scan(f + 1, &m->tries) ; break ;
      case 'L' : uint64_scan(f + 1, &m->last) ; break ;
      case 'W' : uint64_scan(f + 1, &m->next) ; break ;
      case 'R' : m->inforcpt = i + 1 ; break ;
      case 'X' : m->infotext = i + 1 ; break ;
      default : break ;
    }
    i += n + 1 ;
  }
  m->hasinfo = 1 ;
}

int qtool_read (qtool_msg *m, char const *id)
{
  char fn[QUEUE_PATH_MAX] ;
  struct stat st ;
  int r ;
  if (strlen(id) >= QUEUE_ID_MAX || id[0] == '.' || strchr(id, '/')) return (errno = EINVAL, -1) ;
  strcpy(m->id, id) ;
  m->data.len = 0 ; m->mparams = 0 ;
  genalloc_setlen(qtool_rcpt, &m->rcpts, 0) ;
  m->where = 0 ; m->birth = m->size = m->hint = 0 ;
  m->held = m->bounce = m->expired = m->hasinfo = 0 ;
  m->tries = m->last = m->next = 0 ;
  m->inforcpt = m->infotext = 0 ;
  queue_path(fn, QUEUE_MESS, id) ;
  {
    /* the size without the queue header, if the file has one */
    int fd = open(fn, O_RDONLY | O_CLOEXEC) ;
    if (fd >= 0)
    {
      off_t start = queue_mess_seek(fd) ;
      r = start < 0 || fstat(fd, &st) < 0 ? -1 : 0 ;
      fd_close(fd) ;
      if (r < 0) return -1 ;
      m->size = st.st_size > start ? st.st_size - start : 0 ;
      m->birth = mtime_ms(&st) ;
    }
    else if (errno != ENOENT) return -1 ;
  }
  m->tmp.len = 0 ;
  if (exists(QUEUE_BAD, id))
  {
    m->where = QTOOL_WHERE_BAD ;
    if (!stralloc_0(&m->data)) return -1 ;   /* no sender shown: the envelope is not read */
    parse_info(m, id) ;
    return 1 ;
  }
  queue_path(fn, QUEUE_TODO, id) ;
  if (queue_env_read(fn, &m->tmp))
  {
    m->where = QTOOL_WHERE_TODO ;
    r = parse_todo(m, m->tmp.s, m->tmp.len) ;
  }
  else
  {
    if (errno != ENOENT) return -1 ;
    queue_path(fn, QUEUE_STATE, id) ;
    m->tmp.len = 0 ;
    if (stat(fn, &st) < 0 || !openslurpclose(&m->tmp, fn)) return errno == ENOENT ? 0 : -1 ;
    m->where = QTOOL_WHERE_STATE ;
    m->hint = mtime_ms(&st) ;
    r = parse_state(m, m->tmp.s, m->tmp.len) ;
  }
  if (r < 0) return -1 ;
  if (!r) return (errno = EPROTO, -1) ;
  m->hold.len = 0 ;
  queue_path(fn, QUEUE_HOLD, id) ;
  if (openslurpclose(&m->hold, fn)) m->held = 1 ;
  else if (errno != ENOENT) m->held = 1 ;   /* there, unreadable: held all the same */
  m->hold.len = byte_chr(m->hold.s, m->hold.len, '\n') ;
  if (!stralloc_0(&m->hold)) return -1 ;
  m->hold.len-- ;
  m->bounce = exists(QUEUE_BOUNCE, id) ;
  m->expired = m->bounce && expired(id) ;
  if (m->where == QTOOL_WHERE_STATE) parse_info(m, id) ;
  return 1 ;
}
