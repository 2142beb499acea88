/* ISC license. */
/* berth-setup -c: is the instance as berth-setup makes it (postfix check)? The users of a
   multi-user instance and their groups, the owners and modes of HOME and its directories, the
   queue's directories and fifos, the set-uid programs of bin/, control files (a secret readable by
   others, a file others may write), every service's run scripts and log directory. Each problem
   is one line on stdout; nothing is changed (berth-setup repairs what it creates).
   Trust: run by the administrator (root sees everything); reads names and modes, and the uid
   files of control/, never a message. */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/buffer.h>
#include <skalibs/direntry.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <berth/control.h>
#include <berth/mtasts.h>
#include <berth/tlsrpt.h>
#include <berth/queue.h>
#include <berth/qtool.h>
#include <berth/sendqueue.h>
#include "check.h"

#define MODE_DIR 0755
#define MODE_FILE 0644
#define MODE_PROG 0755
#define MODE_QUEUE_TOP 0750
#define MODE_QUEUE_MESS_MULTI 02750
#define MODE_PRIVATE 0700
#define MODE_TRIGGER 0622
#define MODE_CTL 0600
#define MODE_SETUID_PROG 04711
#define PREFIX_MAX 64

void check_problem (inst *x, char const *path, char const *a, char const *b)
{
  if (buffer_puts(buffer_1, "problem: ") < 0 || buffer_puts(buffer_1, path) < 0
   || buffer_puts(buffer_1, ": ") < 0 || buffer_puts(buffer_1, a) < 0 || buffer_puts(buffer_1, b) < 0
   || buffer_put(buffer_1, "\n", 1) < 0) strerr_diefu1sys(111, "write to stdout") ;
  x->n++ ;
}

/* "name (uid N)" for the messages */
static char const *who (inst *x, uid_t uid)
{
  struct passwd *pw = getpwuid(uid) ;
  char fmt[UID_FMT] ;
  x->tmp.len = 0 ;
  if ((pw && !stralloc_cats(&x->tmp, pw->pw_name)) || !stralloc_cats(&x->tmp, pw ? " (uid " : "uid ")
   || !stralloc_catb(&x->tmp, fmt, uid_fmt(fmt, uid)) || (pw && !stralloc_cats(&x->tmp, ")"))
   || !stralloc_0(&x->tmp)) strerr_diefu1sys(111, "allocate") ;
  return x->tmp.s ;
}

static char const *octal (char *buf, mode_t m)
{
  buf[0] = '0' ;
  buf[1 + uint32_ofmt(buf + 1, (uint32_t)m)] = 0 ;
  return buf ;
}

/* path must be of type, owned by uid (ANY_ID: anyone) and group gid, with exactly mode */
static int want (inst *x, char const *path, mode_t type, uid_t uid, gid_t gid, mode_t mode)
{
  struct stat st ;
  char o1[UINT32_OFMT + 2], o2[UINT32_OFMT + 2] ;
  if (lstat(path, &st) < 0)
  {
    if (errno == ENOENT) check_problem(x, path, "missing", " (berth-setup makes it)") ;
    else check_problem(x, path, "cannot be looked at: ", strerror(errno)) ;
    return 0 ;
  }
  if ((st.st_mode & S_IFMT) != type)
  {
    check_problem(x, path, "is not a ", type == S_IFDIR ? "directory" : type == S_IFIFO ? "fifo" : "regular file") ;
    return 0 ;
  }
  if (uid != (uid_t)ANY_ID && st.st_uid != uid)
  {
    char was[UID_FMT] ;
    size_t wasl = uid_fmt(was, st.st_uid) ;
    char const *w = who(x, uid) ;
    size_t wl = strlen(w) ;
    char msg[wl + UID_FMT + 24] ;
    memcpy(msg, w, wl) ; memcpy(msg + wl, ", not uid ", 10) ;
    memcpy(msg + wl + 10, was, wasl) ; msg[wl + 10 + wasl] = 0 ;
    check_problem(x, path, "should be owned by ", msg) ;
  }
  if (gid != (gid_t)ANY_ID && st.st_gid != gid)
  {
    char g[GID_FMT + 1] ;
    g[gid_fmt(g, gid)] = 0 ;
    check_problem(x, path, "should have group gid ", g) ;
  }
  if ((st.st_mode & 07777) != mode)
  {
    stralloc *t = &x->tmp ;
    t->len = 0 ;
    if (!stralloc_cats(t, octal(o1, st.st_mode & 07777)) || !stralloc_cats(t, ", should be ")
     || !stralloc_cats(t, octal(o2, mode)) || !stralloc_0(t)) strerr_diefu1sys(111, "allocate") ;
    check_problem(x, path, "mode ", t->s) ;
  }
  return 1 ;
}

static int uidfile (char const *fn, uid_t *u)
{
  unsigned long v ;
  if (control_readulong(&v, fn, 0) <= 0 || !v) return 0 ;
  *u = (uid_t)v ;
  return 1 ;
}

static void user_in (inst *x, char const *name, uid_t *u, gid_t *g)
{
  struct passwd *pw = getpwnam(name) ;
  if (!pw) { check_problem(x, name, "user missing", " (berth-setup makes it)") ; return ; }
  *u = pw->pw_uid ;
  if (g) *g = pw->pw_gid ;
}

/* Multi-user: the roles from control/uid* and the queue user's name (P + "q"). */
static void roles (inst *x)
{
  struct stat st ;
  struct passwd *pw ;
  struct group *gr ;
  char p[PREFIX_MAX + 8] ;
  size_t n ;
  gid_t g ;
  if (stat(QUEUE_DIR, &st) < 0) strerr_diefu2sys(111, "stat ", QUEUE_DIR) ;
  x->queue = st.st_uid ; x->qgid = st.st_gid ;
  if (!uidfile("control/uidsend", &x->queue)) check_problem(x, "control/uidsend", "missing or not a uid", " (berth-setup writes it)") ;
  if (!uidfile("control/uidsmtpd", &x->smtpd)) check_problem(x, "control/uidsmtpd", "missing or not a uid", " (berth-setup writes it)") ;
  if (!uidfile("control/uidalias", &x->alias)) check_problem(x, "control/uidalias", "missing or not a uid", " (berth-setup writes it)") ;
  pw = getpwuid(x->queue) ;
  if (!pw) { check_problem(x, "control/uidsend", "names no user: ", who(x, x->queue)) ; return ; }
  n = strlen(pw->pw_name) ;
  if (n < 2 || n > PREFIX_MAX || pw->pw_name[n - 1] != 'q') { check_problem(x, pw->pw_name, "is not a berth queue user (Pq)", "") ; return ; }
  x->qgid = pw->pw_gid ;
  memcpy(p, pw->pw_name, n - 1) ;
  p[n - 1] = 'r' ; p[n] = 0 ; g = x->qgid ; user_in(x, p, &x->remote, &g) ;
  if (g != x->qgid) check_problem(x, p, "is not in the queue's group: berth-remote cannot read messages", "") ;
  p[n - 1] = 'l' ; user_in(x, p, &x->log, 0) ;
  p[n - 1] = 0 ;
  gr = getgrgid(x->qgid) ;
  if (!gr || strcmp(gr->gr_name, p)) check_problem(x, pw->pw_name, "its group should be ", p) ;
  pw = getpwuid(x->smtpd) ;
  if (pw && pw->pw_gid == x->qgid) check_problem(x, pw->pw_name, "is in the queue's group: berth-smtpd could read the queue", "") ;
  if (gr && pw) for (char **m = gr->gr_mem ; *m ; m++)
    if (!strcmp(*m, pw->pw_name)) check_problem(x, pw->pw_name, "is in the queue's group: berth-smtpd could read the queue", "") ;
}

static void check_queue (inst *x)
{
  static char const *const priv[] = { QUEUE_INTD, QUEUE_TODO, QUEUE_STATE, QUEUE_POOL, QUEUE_BOUNCE, QUEUE_DELAY, QUEUE_INFO, QUEUE_HOLD, 0 } ;
  gid_t g = x->multi ? x->qgid : (gid_t)ANY_ID ;
  want(x, QUEUE_DIR, S_IFDIR, x->queue, g, MODE_QUEUE_TOP) ;
  want(x, QUEUE_MESS, S_IFDIR, x->queue, g, x->multi ? MODE_QUEUE_MESS_MULTI : MODE_PRIVATE) ;
  for (char const *const *d = priv ; *d ; d++) want(x, *d, S_IFDIR, x->queue, (gid_t)ANY_ID, MODE_PRIVATE) ;
  want(x, QUEUE_LOCK, S_IFDIR, x->queue, (gid_t)ANY_ID, MODE_DIR) ;
  want(x, QUEUE_TRIGGER, S_IFIFO, x->queue, (gid_t)ANY_ID, MODE_TRIGGER) ;
  want(x, QUEUE_CTL, S_IFIFO, x->queue, (gid_t)ANY_ID, MODE_CTL) ;
  if (x->multi) want(x, QUEUE_LOCK "/tcpto", S_IFREG, x->remote, (gid_t)ANY_ID, MODE_FILE) ;
  if (x->multi) want(x, MTASTS_DIR, S_IFDIR, x->remote, (gid_t)ANY_ID, MODE_DIR) ;
  if (x->multi) want(x, TLSRPT_DIR, S_IFDIR, x->remote, (gid_t)ANY_ID, MODE_DIR) ;
}

typedef void file_func (inst *x, char const *path, struct stat const *st) ;

/* f on every regular file of dir whose name does not start with a dot */
static void each_file (inst *x, char const *dir, file_func *f)
{
  DIR *d = opendir(dir) ;
  if (!d) { check_problem(x, dir, "cannot be read: ", strerror(errno)) ; return ; }
  for (;;)
  {
    direntry *e ;
    struct stat st ;
    errno = 0 ;
    e = readdir(d) ;
    if (!e) break ;
    if (e->d_name[0] == '.') continue ;
    x->tmp.len = 0 ;
    if (!stralloc_cats(&x->tmp, dir) || !stralloc_catb(&x->tmp, "/", 1) || !stralloc_cats(&x->tmp, e->d_name) || !stralloc_0(&x->tmp))
      strerr_diefu1sys(111, "allocate") ;
    if (lstat(x->tmp.s, &st) < 0 || !S_ISREG(st.st_mode)) continue ;
    {
      size_t len = x->tmp.len ;
      char fn[len] ;   /* x->tmp is reused by the messages */
      memcpy(fn, x->tmp.s, len) ;
      (*f)(x, fn, &st) ;
    }
  }
  if (errno) check_problem(x, dir, "cannot be read: ", strerror(errno)) ;
  dir_close(d) ;
}

/* a file of control/ or users/: the administrator's, written by nobody else; readable by all,
   except the secret (control/smtpauth: the remote user's, private) */
static void config_file (inst *x, char const *fn, struct stat const *st)
{
  if (!strcmp(fn, "control/smtpauth"))
  {
    if (st->st_mode & S_IRWXO) check_problem(x, fn, "a secret readable by others", ": chmod 600 it") ;
    if (x->multi && st->st_uid != x->remote) check_problem(x, fn, "should be owned by the remote user, who reads it: ", who(x, x->remote)) ;
    return ;
  }
  if (st->st_mode & (S_IWGRP | S_IWOTH)) check_problem(x, fn, "writable by others than its owner", "") ;
  if (st->st_uid != x->admin) check_problem(x, fn, "should be owned by ", who(x, x->admin)) ;
  if (!(st->st_mode & S_IROTH) && x->multi) check_problem(x, fn, "not readable by all: the programs reading it run as other users", "") ;
}

/* a program of bin/ other than the two set-uid ones */
static void bin_file (inst *x, char const *fn, struct stat const *st)
{
  if (!strcmp(fn, "bin/berth-queue") || !strcmp(fn, "bin/berth-qread")) return ;
  if (st->st_mode & (S_ISUID | S_ISGID | S_IWGRP | S_IWOTH) || st->st_uid != x->admin)
    check_problem(x, fn, "should be owned by root, mode 0755 (only berth-queue and berth-qread are set-uid)", "") ;
}

static void check_bin (inst *x)
{
  if (!want(x, "bin", S_IFDIR, x->admin, (gid_t)ANY_ID, MODE_DIR)) return ;
  want(x, "bin/berth-queue", S_IFREG, x->queue, (gid_t)ANY_ID, MODE_SETUID_PROG) ;
  want(x, "bin/berth-qread", S_IFREG, x->queue, (gid_t)ANY_ID, MODE_SETUID_PROG) ;
  each_file(x, "bin", &bin_file) ;
}

/* service/NAME: its run scripts, conf/, and log/NAME for its logger */
static void check_service (inst *x, char const *name)
{
  size_t n = strlen(name) ;
  char p[8 + n + 20] ;
  memcpy(p, "service/", 8) ; memcpy(p + 8, name, n) ;
#define AT(sfx) (strcpy(p + 8 + n, sfx), p)
  want(x, AT(""), S_IFDIR, x->admin, (gid_t)ANY_ID, MODE_DIR) ;
  want(x, AT("/run"), S_IFREG, x->admin, (gid_t)ANY_ID, MODE_PROG) ;
  want(x, AT("/finish"), S_IFREG, x->admin, (gid_t)ANY_ID, MODE_PROG) ;
  want(x, AT("/conf"), S_IFDIR, x->admin, (gid_t)ANY_ID, MODE_DIR) ;
  want(x, AT("/log/run"), S_IFREG, x->admin, (gid_t)ANY_ID, MODE_PROG) ;
  if (!strncmp(name, "smtpd", 5)) want(x, AT("/slots"), S_IFDIR, x->smtpd, (gid_t)ANY_ID, MODE_DIR) ;
#undef AT
  memcpy(p, "log/", 4) ; memcpy(p + 4, name, n + 1) ;
  want(x, p, S_IFDIR, x->log, (gid_t)ANY_ID, MODE_DIR) ;
}

static void check_services (inst *x)
{
  int smtpd = 0, send = 0 ;
  DIR *d ;
  if (!want(x, "service", S_IFDIR, x->admin, (gid_t)ANY_ID, MODE_DIR)) return ;
  want(x, "log", S_IFDIR, x->admin, (gid_t)ANY_ID, MODE_DIR) ;
  d = opendir("service") ;
  if (!d) return ;
  for (;;)
  {
    direntry *e ;
    errno = 0 ;
    e = readdir(d) ;
    if (!e) break ;
    if (e->d_name[0] == '.') continue ;
    if (!strncmp(e->d_name, "smtpd", 5)) smtpd = 1 ;
    if (!strcmp(e->d_name, "send")) send = 1 ;
    check_service(x, e->d_name) ;
  }
  dir_close(d) ;
  if (!smtpd) check_problem(x, "service/smtpd", "missing", " (berth-setup makes it)") ;
  if (!send && access("control/qmqpservers", F_OK) < 0) check_problem(x, "service/send", "missing: nothing delivers the queue", " (berth-setup makes it)") ;
}

void check_install (inst *x)
{
  struct stat st ;
  if (stat(".", &st) < 0) strerr_diefu2sys(111, "stat ", x->home) ;
  x->multi = !st.st_uid ;
  x->admin = st.st_uid ;
  if (stat(QUEUE_DIR, &st) < 0) strerr_diefu3sys(111, "stat ", x->home, "/" QUEUE_DIR) ;
  x->queue = x->remote = x->smtpd = x->log = x->alias = x->multi ? st.st_uid : x->admin ;
  x->qgid = st.st_gid ;
  if (x->multi && !st.st_uid) check_problem(x, QUEUE_DIR, "owned by root: berth-send never runs as root", "") ;
  if (x->multi) roles(x) ;
  want(x, ".", S_IFDIR, x->admin, (gid_t)ANY_ID, MODE_DIR) ;
  want(x, "control", S_IFDIR, x->admin, (gid_t)ANY_ID, MODE_DIR) ;
  want(x, "users", S_IFDIR, x->admin, (gid_t)ANY_ID, MODE_DIR) ;
  want(x, "alias", S_IFDIR, x->alias, (gid_t)ANY_ID, MODE_DIR) ;
  want(x, "control/me", S_IFREG, x->admin, (gid_t)ANY_ID, MODE_FILE) ;
  each_file(x, "control", &config_file) ;
  each_file(x, "users", &config_file) ;
  check_queue(x) ;
  if (x->multi) check_bin(x) ;
  check_services(x) ;
}

int setup_check (char const *home)
{
  inst x = { .home = home, .n = 0, .tmp = STRALLOC_ZERO } ;
  char fmt[UINT_FMT] ;
  if (chdir(home) < 0) strerr_diefu2sys(111, "chdir to ", home) ;
  check_install(&x) ;
  check_waiting(&x) ;
  if (buffer_puts(buffer_1, home) < 0 || buffer_puts(buffer_1, x.n ? ": " : ": no problem found\n") < 0
   || (x.n && (buffer_put(buffer_1, fmt, uint_fmt(fmt, x.n)) < 0 || buffer_puts(buffer_1, x.n == 1 ? " problem\n" : " problems\n") < 0))
   || !buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  stralloc_free(&x.tmp) ;
  return x.n ? 1 : 0 ;
}
