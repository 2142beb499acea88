/* ISC license. */
/* berth-logstat: pflogsumm-style totals from berth-send's log (doc/berth-logstat.md): messages
   received and their bytes, delivery attempts by status, bytes delivered, the ten recipient
   domains with the most attempts. Reads the files named (or stdin), with or without s6-log's
   timestamps. Trust: the log holds strangers' bytes (addresses, replies); every line is read
   with the quoting rule's parser (logfield_scan) and one that breaks it is skipped whole. */

#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/bytestr.h>
#include <skalibs/djbunix.h>
#include <skalibs/genalloc.h>
#include <skalibs/skamisc.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/stdopts.h>
#include <skalibs/types.h>
#include <berth/logfield.h>

#define USAGE "berth-logstat [ file... ]"
#define TOP 10
#define HEAD_WORDS 3                 /* "berth-send:" among a line's first words (timestamps) */
#define PREFIX "berth-send:"

enum st_e { ST_SENT, ST_DEFERRED, ST_BOUNCED, ST_EXPIRED, ST_N } ;
static char const *const stname[ST_N] = { "sent", "deferred", "bounced", "expired" } ;

typedef struct dom_s dom ;
struct dom_s { char *name ; uint64_t attempts ; uint64_t n[ST_N] ; } ;

typedef struct msg_s msgent ;
struct msg_s { char *id ; uint64_t bytes ; int sent ; } ;

typedef struct stats_s stats ;
struct stats_s
{
  uint64_t received, rbytes, sbytes, msgs ;
  uint64_t n[ST_N] ;
  void *doms ;          /* tsearch root: dom * by name */
  genalloc domlist ;    /* dom *: every domain, for the sort */
  void *msgs_by_id ;    /* tsearch root: msgent * by id, from event=new until event=end */
} ;

static int domcmp (void const *a, void const *b) { return strcmp(((dom const *)a)->name, ((dom const *)b)->name) ; }
static int msgcmp (void const *a, void const *b) { return strcmp(((msgent const *)a)->id, ((msgent const *)b)->id) ; }

static char *dup0 (char const *s, size_t len)
{
  char *p = malloc(len + 1) ;
  if (!p) strerr_diefu1sys(111, "allocate") ;
  memcpy(p, s, len) ; p[len] = 0 ;
  return p ;
}

static msgent *msg_get (stats *st, char const *id, int create)
{
  msgent key = { .id = (char *)id } ;
  msgent **f = tfind(&key, &st->msgs_by_id, &msgcmp) ;
  msgent *m ;
  if (f || !create) return f ? *f : 0 ;
  m = malloc(sizeof *m) ;
  if (!m) strerr_diefu1sys(111, "allocate") ;
  m->id = dup0(id, strlen(id)) ; m->bytes = 0 ; m->sent = 0 ;
  if (!tsearch(m, &st->msgs_by_id, &msgcmp)) strerr_diefu1sys(111, "allocate") ;
  return m ;
}

static dom *dom_get (stats *st, char const *name, size_t len)
{
  char *n = dup0(name, len) ;
  dom key = { .name = n } ;
  dom **f ;
  dom *d ;
  case_lowerb(n, len) ;
  f = tfind(&key, &st->doms, &domcmp) ;
  if (f) { free(n) ; return *f ; }
  d = calloc(1, sizeof *d) ;
  if (!d) strerr_diefu1sys(111, "allocate") ;
  d->name = n ;
  if (!tsearch(d, &st->doms, &domcmp) || !genalloc_append(dom *, &st->domlist, &d)) strerr_diefu1sys(111, "allocate") ;
  return d ;
}

/* the fields of one berth-send line, values unescaped into vals (NUL-terminated, one after
   another): event, id, rcpt, status, bytes */
enum f_e { F_EVENT, F_ID, F_RCPT, F_STATUS, F_BYTES, F_N } ;
static char const *const fname[F_N] = { "event", "id", "rcpt", "status", "bytes" } ;

static int fields (char const *s, size_t len, stralloc *vals, size_t *off)
{
  stralloc v = STRALLOC_ZERO ;
  size_t pos = 0 ;
  logfield_kv kv ;
  int r ;
  vals->len = 0 ;
  for (unsigned int k = 0 ; k < F_N ; k++) off[k] = (size_t)-1 ;
  while ((r = logfield_scan(s, len, &pos, &kv, &v)) == 1)
    for (unsigned int k = 0 ; k < F_N ; k++)
      if (kv.keylen == strlen(fname[k]) && !memcmp(kv.key, fname[k], kv.keylen) && off[k] == (size_t)-1)
      {
        off[k] = vals->len ;
        if (!stralloc_catb(vals, v.s, v.len) || !stralloc_0(vals)) { stralloc_free(&v) ; return 0 ; }
      }
  stralloc_free(&v) ;
  return r == 0 ;
}

static void line (stats *st, char const *s, size_t len, stralloc *vals)
{
  size_t off[F_N], i = 0 ;
  char const *ev, *id ;
  unsigned int w = 0 ;
  for (; w < HEAD_WORDS ; w++)
  {  /* the word PREFIX, then the fields */
    size_t e = i ;
    while (e < len && s[e] != ' ') e++ ;
    if (e - i == sizeof PREFIX - 1 && !memcmp(s + i, PREFIX, e - i)) { i = e ; break ; }
    if (e >= len) return ;
    i = e + 1 ;
  }
  if (w == HEAD_WORDS || !fields(s + i, len - i, vals, off) || off[F_EVENT] == (size_t)-1 || off[F_ID] == (size_t)-1) return ;
  ev = vals->s + off[F_EVENT] ; id = vals->s + off[F_ID] ;
  if (!strcmp(ev, "new"))
  {
    uint64_t b = 0 ;
    if (off[F_BYTES] != (size_t)-1) uint640_scan(vals->s + off[F_BYTES], &b) ;
    st->received++ ; st->rbytes += b ;
    msg_get(st, id, 1)->bytes = b ;
  }
  else if (!strcmp(ev, "end"))
  {
    msgent *m = msg_get(st, id, 0) ;
    if (m) { tdelete(m, &st->msgs_by_id, &msgcmp) ; free(m->id) ; free(m) ; }
  }
  else if (!strcmp(ev, "delivery") && off[F_STATUS] != (size_t)-1 && off[F_RCPT] != (size_t)-1)
  {
    char const *rcpt = vals->s + off[F_RCPT] ;
    char const *at = strrchr(rcpt, '@') ;
    dom *d = at ? dom_get(st, at + 1, strlen(at + 1)) : dom_get(st, "(none)", 6) ;
    unsigned int k = 0 ;
    while (k < ST_N && strcmp(vals->s + off[F_STATUS], stname[k])) k++ ;
    d->attempts++ ;
    if (k == ST_N) return ;
    st->n[k]++ ; d->n[k]++ ;
    if (k == ST_SENT)
    {
      msgent *m = msg_get(st, id, 1) ;
      st->sbytes += m->bytes ;
      if (!m->sent) { m->sent = 1 ; st->msgs++ ; }
    }
  }
}

static void readall (stats *st, int fd, char const *name)
{
  char buf[BUFFER_INSIZE] ;
  buffer b = BUFFER_INIT(&buffer_read, fd, buf, sizeof buf) ;
  stralloc sa = STRALLOC_ZERO, vals = STRALLOC_ZERO ;
  for (;;)
  {
    int r ;
    sa.len = 0 ;
    r = skagetln(&b, &sa, '\n') ;
    if (r < 0 && !sa.len) strerr_diefu2sys(111, "read ", name) ;
    if (!sa.len) break ;
    if (sa.s[sa.len - 1] == '\n') sa.len-- ;
    line(st, sa.s, sa.len, &vals) ;
    if (r <= 0) break ;
  }
  stralloc_free(&sa) ;
  stralloc_free(&vals) ;
}

static int bytop (void const *a, void const *b)
{
  dom const *x = *(dom *const *)a, *y = *(dom *const *)b ;
  if (x->attempts != y->attempts) return x->attempts > y->attempts ? -1 : 1 ;
  return strcmp(x->name, y->name) ;
}

static void put (char const *s) { if (buffer_puts(buffer_1, s) < 0) strerr_diefu1sys(111, "write to stdout") ; }

/* u right-aligned in width */
static void putu (uint64_t u, unsigned int width)
{
  char fmt[UINT64_FMT] ;
  size_t n = uint64_fmt(fmt, u) ;
  for (; n < width ; width--) put(" ") ;
  if (buffer_put(buffer_1, fmt, n) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static void report (stats *st)
{
  size_t nd = genalloc_len(dom *, &st->domlist) ;
  dom **list = genalloc_s(dom *, &st->domlist) ;
  put("received   ") ; putu(st->received, 8) ; put(" messages ") ; putu(st->rbytes, 12) ; put(" bytes\n") ;
  put("delivered  ") ; putu(st->n[ST_SENT], 8) ; put(" recipients (") ; putu(st->msgs, 0) ; put(" messages) ") ; putu(st->sbytes, 0) ; put(" bytes\n") ;
  put("deferred   ") ; putu(st->n[ST_DEFERRED], 8) ; put(" attempts\n") ;
  put("bounced    ") ; putu(st->n[ST_BOUNCED], 8) ; put(" recipients\n") ;
  put("expired    ") ; putu(st->n[ST_EXPIRED], 8) ; put(" recipients\n") ;
  put("domain                              attempts     sent deferred  bounced  expired\n") ;
  if (nd) qsort(list, nd, sizeof(dom *), &bytop) ;
  for (size_t i = 0 ; i < nd && i < TOP ; i++)
  {  /* the name as the log writes it (a stranger's bytes: \xHH), without logfield's " d=" */
    stralloc q = STRALLOC_ZERO ;
    size_t l ;
    if (!logfield_cat(&q, "d", list[i]->name, strlen(list[i]->name)) || !stralloc_0(&q)) strerr_diefu1sys(111, "allocate") ;
    put(q.s + 3) ;
    for (l = q.len - 4 ; l < 32 ; l++) put(" ") ;
    stralloc_free(&q) ;
    put(" ") ; putu(list[i]->attempts, 10) ;
    for (unsigned int k = 0 ; k < ST_N ; k++) { put(" ") ; putu(list[i]->n[k], 8) ; }
    put("\n") ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
}

int main (int argc, char const *const *argv)
{
  stats st = { .doms = 0, .domlist = GENALLOC_ZERO, .msgs_by_id = 0 } ;
  PROG = "berth-logstat" ;
  berth_stdopts(argc, argv, USAGE) ;
  if (argc > 1 && argv[1][0] == '-' && argv[1][1]) strerr_dieusage(100, USAGE) ;
  if (argc < 2) readall(&st, 0, "stdin") ;
  for (int i = 1 ; i < argc ; i++)
  {
    int fd = open_readb(argv[i]) ;
    if (fd < 0) strerr_diefu2sys(111, "open ", argv[i]) ;
    readall(&st, fd, argv[i]) ;
    fd_close(fd) ;
  }
  report(&st) ;
  return 0 ;
}
