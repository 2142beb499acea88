/* ISC license. */
/* berth-setup -c: the mailbox of every user with local mail waiting in the queue. For each
   pending local recipient of a preprocessed message, the user berth-lspawn would deliver as
   (users/assign.cdb first, then passwd: the local part up to the first break character,
   lowercased) and, unless that user has a ~/.qmail (then the user's own files decide), the
   Maildir of control/defaultdelivery in the user's home: it must exist with new/, cur/ and tmp/,
   owned by the user and writable by them. Each user is looked at once.
   Trust: the addresses come from the queue (any local user's envelope): they are only looked up,
   never used as paths beyond the home directory the lookup gives. */

#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/bytestr.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/assign.h>
#include <berth/control.h>
#include <berth/qtool.h>
#include "check.h"

#define DEFAULT_DELIVERY "./Maildir/"
#ifndef BERTH_CONF_BREAK
#define BERTH_CONF_BREAK '-'   /* conf-break, as berth-lspawn has it */
#endif

typedef struct wait_s waitctx ;
struct wait_s
{
  inst *x ;
  cdb assign ;
  int hasassign ;
  stralloc dflt ;    /* control/defaultdelivery's first line */
  stralloc seen ;    /* user names looked at, NUL-separated */
  stralloc sa ;
} ;

static int seen (waitctx *w, char const *user)
{
  for (size_t i = 0 ; i < w->seen.len ; i += strlen(w->seen.s + i) + 1)
    if (!strcmp(w->seen.s + i, user)) return 1 ;
  if (!stralloc_catb(&w->seen, user, strlen(user) + 1)) strerr_diefu1sys(111, "allocate") ;
  return 0 ;
}

static void problem (waitctx *w, char const *path, char const *user, char const *what)
{
  w->sa.len = 0 ;
  if (!stralloc_cats(&w->sa, user) || !stralloc_cats(&w->sa, ", but ") || !stralloc_cats(&w->sa, what) || !stralloc_0(&w->sa))
    strerr_diefu1sys(111, "allocate") ;
  check_problem(w->x, path, "mail is waiting for ", w->sa.s) ;
}

/* the Maildir dir (home + "/" + the default delivery without "./") of user uid */
static void maildir (waitctx *w, char const *user, uid_t uid, char const *home)
{
  static char const *const subs[3] = { "/new", "/cur", "/tmp" } ;
  size_t hl = strlen(home), dl = w->dflt.len ;
  char path[hl + dl + 12] ;
  char const *d = w->dflt.s ;
  struct stat st ;
  memcpy(path, home, hl) ; memcpy(path + hl, "/.qmail", 8) ;
  if (access(path, F_OK) == 0) return ;   /* the user's own .qmail decides */
  if (dl < 3 || d[0] != '.' || d[1] != '/' || d[dl - 1] != '/') return ;   /* not a Maildir in the home */
  memcpy(path + hl, d + 1, dl - 1) ;   /* "/Maildir/" */
  path[hl + dl - 2] = 0 ;              /* without its final slash */
  for (unsigned int i = 0 ; i < 4 ; i++)
  {
    size_t base = hl + dl - 2 ;
    if (i) memcpy(path + base, subs[i - 1], 5) ;
    if (stat(path, &st) < 0)
    {
      problem(w, path, user, errno == ENOENT ? "it is missing: berth-local cannot deliver (make the Maildir, owned by the user)" : strerror(errno)) ;
      return ;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != uid || !(st.st_mode & S_IWUSR))
    {
      problem(w, path, user, "it is not a directory owned and writable by the user") ;
      return ;
    }
    path[base] = 0 ;
  }
}

static void rcpt (waitctx *w, char const *addr)
{
  char const *at = strrchr(addr, '@') ;
  size_t n = at ? (size_t)(at - addr) : strlen(addr) ;
  char local[n + 1] ;
  memcpy(local, addr, n) ; local[n] = 0 ;
  case_lowerb(local, n) ;
  if (w->hasassign)
  {
    assign a ;
    w->sa.len = 0 ;
    if (assign_lookup(&w->assign, local, &a, &w->sa) > 0)
    {
      size_t len = w->sa.len ;
      char buf[len + 1] ;   /* problem() reuses sa */
      memcpy(buf, w->sa.s, len) ;
      if (!seen(w, buf + a.user)) maildir(w, buf + a.user, a.uid, buf + a.home) ;
      return ;
    }
  }
  local[byte_chr(local, n, BERTH_CONF_BREAK)] = 0 ;
  if (!local[0] || seen(w, local)) return ;
  {
    struct passwd *pw = getpwnam(local) ;
    if (pw && pw->pw_uid && pw->pw_dir[0] == '/') maildir(w, pw->pw_name, pw->pw_uid, pw->pw_dir) ;
  }
}

static void one (qtool_msg const *m, void *data)
{
  waitctx *w = data ;
  if (m->where != QTOOL_WHERE_STATE) return ;
  for (size_t i = 0 ; i < genalloc_len(qtool_rcpt, &m->rcpts) ; i++)
  {
    qtool_rcpt const *r = genalloc_s(qtool_rcpt, &m->rcpts) + i ;
    if (r->mark == 'T' && r->chan == 'L') rcpt(w, m->data.s + r->addr) ;
  }
}

void check_waiting (inst *x)
{
  waitctx w = { .x = x, .assign = CDB_ZERO, .hasassign = 0, .dflt = STRALLOC_ZERO, .seen = STRALLOC_ZERO, .sa = STRALLOC_ZERO } ;
  if (control_readline(&w.dflt, "control/defaultdelivery", DEFAULT_DELIVERY) < 0) strerr_diefu1sys(111, "read control/defaultdelivery") ;
  w.hasassign = cdb_init(&w.assign, ASSIGN_CDB) ;
  qtool_walk(&one, &w) ;
  if (w.hasassign) cdb_free(&w.assign) ;
  stralloc_free(&w.dflt) ; stralloc_free(&w.seen) ; stralloc_free(&w.sa) ;
}
