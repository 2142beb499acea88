/* ISC license. */
/* berth-setup: creates or repairs an instance. Never removes or rewrites what exists, so queued
   mail and edited control files survive a re-run (multi-user mode refreshes only bin/ and the
   control/uid* files, which it derives). Single-user mode (-u, or run by an ordinary user): one
   uid owns and runs everything. Multi-user mode (root without -u): qmail-style uids (users.c).
   Trust: run by the administrator (or a user for a single-user instance); HOME is taken as given. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/mtasts.h>
#include <berth/tlsrpt.h>
#include <berth/queue.h>
#include <berth/rcptmap.h>
#include <berth/safeext.h>
#include <berth/sendqueue.h>
#include <berth/sibling.h>
#include <berth/qtool.h>
#include <berth/stdopts.h>
#include "check.h"
#include "setup.h"

#define USAGE "berth-setup [ -u user | -m [ -P prefix ] ] [ -n hostname ] [ -a addr,addr... ] [ -p port ] [ -b bindir ] [ -Q ip,ip... ] [ -q ] [ -t ] home" " | berth-setup -c home"
#define SYNOPSIS "berth-setup [ -u user | -m [ -P prefix ] ] [ -n hostname ] [ -a addr,addr... ] [ -p port ] [ -b bindir ] [ -Q ip,ip... ] [ -q ] [ -t ] home" "\nberth-setup -c home                    # the install check: changes nothing"
#define PREFIX_DEFAULT "berth"
#define dieusage() strerr_dieusage(100, USAGE)

void own (char const *path, owner const *o)
{
  if (o->chown && lchown(path, o->uid, o->gid) < 0)
    strerr_diefu2sys(111, "chown ", path) ;
}

/* What this run made or changed, one line each on stdout: "berth-setup: created user berthq". */
void setup_say (char const *verb, char const *what, char const *note)
{
  if (buffer_puts(buffer_1, "berth-setup: ") < 0 || buffer_puts(buffer_1, verb) < 0 || buffer_put(buffer_1, " ", 1) < 0
   || buffer_puts(buffer_1, what) < 0 || (note && buffer_puts(buffer_1, note) < 0) || buffer_putflush(buffer_1, "\n", 1) < 0)
    strerr_diefu1sys(111, "write to stdout") ;
}

int mkdir_own (char const *path, mode_t mode, owner const *o)
{
  if (mkdir(path, mode) < 0)
  {
    struct stat st ;
    if (errno != EEXIST) strerr_diefu2sys(111, "mkdir ", path) ;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) strerr_dief2x(111, path, " exists and is not a directory") ;
    return 0 ;
  }
  if (chmod(path, mode) < 0) strerr_diefu2sys(111, "chmod ", path) ;
  own(path, o) ;
  return 1 ;
}

/* Creates path with the given contents only if it does not exist yet (1: made now; said, but
   for a service's files: service_dir says the service). */
int file_default (char const *path, char const *s, mode_t mode, owner const *o)
{
  size_t len = strlen(path) ;
  char tmp[len + 5] ;
  if (access(path, F_OK) == 0) return 0 ;
  if (errno != ENOENT) strerr_diefu2sys(111, "access ", path) ;
  memcpy(tmp, path, len) ; memcpy(tmp + len, ".new", 5) ;
  if (!openwritenclose_unsafe_sync(tmp, s, strlen(s))) strerr_diefu2sys(111, "write ", tmp) ;
  if (chmod(tmp, mode) < 0) strerr_diefu2sys(111, "chmod ", tmp) ;
  own(tmp, o) ;
  if (rename(tmp, path) < 0) strerr_diefu4sys(111, "rename ", tmp, " to ", path) ;
  if (strncmp(path, "service/", 8)) setup_say("created", path, 0) ;
  return 1 ;
}

static void fifo_default (char const *path, mode_t mode, owner const *o)
{
  if (mkfifo(path, mode) < 0)
  {
    if (errno != EEXIST) strerr_diefu2sys(111, "mkfifo ", path) ;
    return ;
  }
  if (chmod(path, mode) < 0) strerr_diefu2sys(111, "chmod ", path) ;
  own(path, o) ;
}

/* Local delivery defaults (berth-lspawn, berth-local): control/defaultdelivery, the alias
   mailbox alias/Maildir/ for postmaster, root and mailer-daemon and for the owner's name when
   the owner's passwd home cannot take it, and the owner's own ~/Maildir/ when that home exists
   and is the owner's. Existing files and directories are left alone. */
static void maildir_default (char const *dir, owner const *o)
{
  size_t len = strlen(dir) ;
  char sub[len + 5] ;
  mkdir_own(dir, 0700, o) ;
  memcpy(sub, dir, len) ;
  memcpy(sub + len, "/tmp", 5) ; mkdir_own(sub, 0700, o) ;
  memcpy(sub + len, "/new", 5) ; mkdir_own(sub, 0700, o) ;
  memcpy(sub + len, "/cur", 5) ; mkdir_own(sub, 0700, o) ;
}

static void alias_default (char const *name, char const *suffix, owner const *o)
{
  size_t len = strlen(name) ;
  char path[len + strlen(suffix) + 14] ;
  memcpy(path, "alias/.qmail-", 13) ;
  memcpy(path + 13, name, len) ;
  safeext(path + 13, len) ;
  strcpy(path + 13 + len, suffix) ;
  file_default(path, "./Maildir/\n", 0644, o) ;
}

static void local_defaults (char const *user, roles const *r)
{
  owner const *o = &r->admin ;
  file_default("control/defaultdelivery", "./Maildir/\n", 0644, o) ;
  maildir_default("alias/Maildir", &r->alias) ;
  alias_default("postmaster", "", o) ;
  alias_default("root", "", o) ;
  alias_default("mailer-daemon", "", o) ;
  if (!r->multi)
  {
    struct passwd *pw = user ? getpwnam(user) : getpwuid(o->uid) ;
    struct stat st ;
    if (!pw) return ;
    alias_default(pw->pw_name, "", o) ;
    alias_default(pw->pw_name, "-default", o) ;
    if (pw->pw_uid && pw->pw_dir[0] == '/' && stat(pw->pw_dir, &st) == 0 && st.st_uid == pw->pw_uid)
    {
      size_t len = strlen(pw->pw_dir) ;
      char md[len + 10] ;
      memcpy(md, pw->pw_dir, len) ; memcpy(md + len, "/Maildir", 9) ;
      maildir_default(md, o) ;
    }
  }
}

/* The queue: owned by the queue's user. Multi-user: queue/ and queue/mess/ readable by the
   queue's group (berth-rspawn reads messages as the remote user), mess/ set-gid so that every
   message file gets that group whoever runs berth-queue; queue/lock/tcpto, queue/mtasts/
   (the MTA-STS policy cache, berth-mtasts) and queue/tlsrpt/ (TLS-RPT records) are berth-remote's. */
static void setup_queue (roles const *r)
{
  owner const *q = &r->queue ;
  if (mkdir_own(QUEUE_DIR, 0750, q)) setup_say("created", QUEUE_DIR "/", " (the queue: its directories and fifos)") ;
  mkdir_own(QUEUE_MESS, r->multi ? 02750 : 0700, q) ;
  mkdir_own(QUEUE_INTD, 0700, q) ;
  mkdir_own(QUEUE_TODO, 0700, q) ;
  mkdir_own(QUEUE_LOCK, 0755, q) ;
  mkdir_own(QUEUE_STATE, 0700, q) ;
  mkdir_own(QUEUE_POOL, 0700, q) ;
  mkdir_own(QUEUE_BOUNCE, 0700, q) ;
  mkdir_own(QUEUE_DELAY, 0700, q) ;
  mkdir_own(QUEUE_INFO, 0700, q) ;
  mkdir_own(QUEUE_HOLD, 0700, q) ;
  fifo_default(QUEUE_TRIGGER, 0622, q) ;
  fifo_default(QUEUE_CTL, 0600, q) ;   /* berth-qctl -> berth-send, owner only */
  if (r->multi) file_default(QUEUE_LOCK "/tcpto", "", 0644, &r->remote) ;
  mkdir_own(MTASTS_DIR, 0755, &r->remote) ;
  mkdir_own(TLSRPT_DIR, 0755, &r->remote) ;   /* TLS-RPT records (berth-remote, berth-tlsrpt) */
}

/* Multi-user: control/uidsmtpd, uidsend, uidalias (berth-queue's Received wording), kept current. */
static void uid_files (roles const *r)
{
  static char const *const files[3] = { "control/uidsmtpd", "control/uidsend", "control/uidalias" } ;
  uid_t const uids[3] = { r->smtpd.uid, r->queue.uid, r->alias.uid } ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    char buf[UID_FMT + 1] ;
    size_t n = uid_fmt(buf, uids[i]) ;
    buf[n++] = '\n' ;
    file_sync(files[i], buf, n, 0644, &r->admin) ;
  }
}

/* Single-user: the owner (or the caller) in every role. */
static void single_roles (roles *r, owner const *o, char *namebuf)
{
  if (!o->name) namebuf[uid_fmt(namebuf, o->uid)] = 0 ;
  r->admin = *o ;
  if (!o->name) r->admin.name = namebuf ;
  r->queue = r->remote = r->smtpd = r->log = r->alias = r->admin ;
  r->multi = 0 ;
}

/* What to do next, after the lines saying what this run made. */
static void next_steps (char const *home, int fresh)
{
  char const *lines[] =
  {
    fresh ? "berth-setup: made the instance " : "berth-setup: brought up to date the instance ", home, "\n",
    "berth-setup: next: edit ", home, "/control (doc/control.md: rcpthosts, locals, tcp.smtp), check it with berth-showctl, then\n",
    "berth-setup: start it:  s6-svscan ", home, "/service\n",
    "berth-setup: or at boot: systemctl enable --now berth@$(systemd-escape --path ", home, ").service\n",
    "berth-setup: after an edit: berth-reload; after a re-run of berth-setup: s6-svc -r the services it updated\n",
  } ;
  for (size_t i = 0 ; i < sizeof lines / sizeof *lines ; i++)
    if (buffer_puts(buffer_1, lines[i]) < 0) strerr_diefu1sys(111, "write to stdout") ;
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
}

int main (int argc, char const *const *argv)
{
  owner o = { .uid = getuid(), .gid = getgid(), .chown = 0, .name = 0 } ;
  services sv = { .home = 0, .bindir = 0, .addrs = "127.0.0.1", .port = "25", .qmqpservers = 0, .qmqpd = 0, .qmtpd = 0 } ;
  roles r ;
  char bindir[PATH_MAX] ;
  char home[PATH_MAX] ;
  char uidname[UID_FMT + 1] ;
  char const *user = 0 ;
  char const *prefix = 0 ;
  char const *hostname = 0 ;
  char hostbuf[256] ;
  int multi = 0, check = 0 ;
  int fresh ;
  PROG = "berth-setup" ;
  berth_stdopts(argc, argv, SYNOPSIS) ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "cu:mP:n:a:p:b:Q:qt", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'c' : check = 1 ; break ;
        case 'u' : user = l.arg ; break ;
        case 'm' : multi = 1 ; break ;
        case 'P' : prefix = l.arg ; multi = 1 ; break ;
        case 'n' : hostname = l.arg ; break ;
        case 'a' : sv.addrs = l.arg ; break ;
        case 'p' : sv.port = l.arg ; break ;
        case 'b' : sv.bindir = l.arg ; break ;
        case 'Q' : sv.qmqpservers = l.arg ; break ;
        case 'q' : sv.qmqpd = 1 ; break ;
        case 't' : sv.qmtpd = 1 ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc != 1 || !argv[0][0] || (user && multi)) dieusage() ;
  if (check) return setup_check(argv[0]) ;   /* changes nothing */

  if (user)
  {
    struct passwd *pw = getpwnam(user) ;
    if (!pw) strerr_dief3x(100, "unknown user ", user, " (the instance owner must exist)") ;
    if (pw->pw_uid != o.uid && o.uid) strerr_dief1x(100, "only root can make an instance for another user") ;
    o.uid = pw->pw_uid ; o.gid = pw->pw_gid ; o.chown = !getuid() ; o.name = user ;
  }
  else if (!o.uid) multi = 1 ;
  else if (multi) strerr_dief1x(100, "only root can make a multi-user instance") ;
  if (multi && prefix && !users_prefix_ok(prefix)) strerr_dief2x(100, "invalid user name prefix: ", prefix) ;
  single_roles(&r, &o, uidname) ;
  if (multi)
  {
    r.admin.uid = 0 ; r.admin.gid = 0 ; r.admin.chown = 1 ; r.admin.name = "root" ;
  }

  if (!hostname)
  {
    if (gethostname(hostbuf, sizeof hostbuf - 1) < 0) strerr_diefu1sys(111, "get the host name") ;
    hostbuf[sizeof hostbuf - 1] = 0 ;
    hostname = hostbuf ;
  }
  if (!hostname[0] || strchr(hostname, '\n') || strchr(hostname, '/')) strerr_dief1x(100, "invalid host name") ;

  mkdir_own(argv[0], 0755, &r.admin) ;
  if (!realpath(argv[0], home)) strerr_diefu2sys(111, "resolve ", argv[0]) ;
  sv.home = home ;
  if (!sv.bindir)
  {
    stralloc self = STRALLOC_ZERO ;   /* lives as long as the process */
    if (!berth_sibling(&self, "")) strerr_diefu1sys(111, "find my own directory (give -b)") ;
    self.s[self.len - 2] = 0 ;   /* without its final slash */
    sv.bindir = self.s ;
  }
  if (multi) setup_users(&r, prefix ? prefix : PREFIX_DEFAULT, home) ;
  if (chdir(argv[0]) < 0) strerr_diefu2sys(111, "chdir to ", argv[0]) ;

  if (multi)
  {
    /* the run scripts use the instance's own copies, where berth-queue is set-uid */
    setup_bin(sv.bindir, &r.admin, &r.queue) ;
    if (strlen(home) + 5 > sizeof bindir) strerr_dief1x(100, "home path too long") ;
    memcpy(bindir, home, strlen(home)) ; memcpy(bindir + strlen(home), "/bin", 5) ;
    sv.bindir = bindir ;
  }
  mkdir_own("control", 0755, &r.admin) ;
  fresh = access("control/me", F_OK) < 0 ;
  {
    stralloc sa = STRALLOC_ZERO ;
    if (!stralloc_copys(&sa, hostname) || !stralloc_catb(&sa, "\n", 2)) strerr_diefu1sys(111, "allocate") ;
    file_default("control/me", sa.s, 0644, &r.admin) ;
    sa.len = strlen(hostname) ;
    if (!stralloc_cats(&sa, "\nlocalhost\n") || !stralloc_0(&sa)) strerr_diefu1sys(111, "allocate") ;
    /* the same names in both: a domain accepted but not local would be relayed to itself */
    file_default("control/rcpthosts", sa.s, 0644, &r.admin) ;
    file_default("control/locals", sa.s, 0644, &r.admin) ;
    stralloc_free(&sa) ;
  }
  if (multi) uid_files(&r) ;
  mkdir_own("users", 0755, &r.admin) ;
  file_default("users/assign", ".\n", 0644, &r.admin) ;
  mkdir_own("alias", 0755, &r.alias) ;
  setup_queue(&r) ;
  local_defaults(user, &r) ;
  /* a new instance refuses unknown local recipients at RCPT; an existing one keeps its choice */
  if (fresh) file_default(RCPTMAP_CONTROL, "", 0644, &r.admin) ;
  if (!access(RCPTMAP_CONTROL, F_OK))
  {
    if (!rcptmap_build()) strerr_diefu2sys(111, "build ", RCPTMAP_FILE) ;
    own(RCPTMAP_FILE, &r.admin) ;
  }
  setup_services(&sv, &r) ;
  next_steps(home, fresh) ;
  return 0 ;
}
