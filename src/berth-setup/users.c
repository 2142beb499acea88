/* ISC license. */
/* berth-setup, multi-user mode: the system groups PREFIX and PREFIXnofiles and the users
   PREFIXd (smtpd), PREFIXq (queue, berth-send), PREFIXr (remote), PREFIXl (logs) and
   PREFIXalias, made with groupadd/useradd only when missing (reused as they are otherwise).
   Trust: run by root; the prefix is checked (a short lower-case name) before it reaches useradd. */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include "setup.h"

#define GROUPADD "/usr/sbin/groupadd"
#define USERADD "/usr/sbin/useradd"

extern char **environ ;

static void run_tool (char const *const *argv, char const *name)
{
  int wstat ;
  pid_t pid = child_spawn0(argv[0], argv, (char const *const *)environ) ;
  if (!pid) strerr_diefu2sys(111, "spawn ", argv[0]) ;
  if (wait_pid(pid, &wstat) < 0) strerr_diefu2sys(111, "wait for ", argv[0]) ;
  if (!WIFEXITED(wstat) || WEXITSTATUS(wstat)) strerr_dief3x(111, argv[0], " failed for ", name) ;
}

static char const *nologin (void)
{
  static char const *const shells[3] = { "/usr/sbin/nologin", "/sbin/nologin", "/bin/false" } ;
  for (unsigned int i = 0 ; i < 3 ; i++) if (access(shells[i], X_OK) == 0) return shells[i] ;
  return "/bin/false" ;
}

static gid_t group_get (char const *name)
{
  struct group *gr ;
  errno = 0 ;
  gr = getgrnam(name) ;
  if (!gr)
  {
    char const *argv[4] = { GROUPADD, "--system", name, 0 } ;
    if (errno && errno != ENOENT && errno != ESRCH) strerr_diefu2sys(111, "look up group ", name) ;
    run_tool(argv, name) ;
    setup_say("created group", name, 0) ;
    gr = getgrnam(name) ;
    if (!gr) strerr_dief3x(111, "group ", name, " still missing after groupadd") ;
  }
  return gr->gr_gid ;
}

/* Fills o from passwd (o->name = name, which must outlive o), first running useradd when the
   user is missing. */
static void user_get (owner *o, char const *name, char const *group, char const *home)
{
  struct passwd *pw ;
  errno = 0 ;
  pw = getpwnam(name) ;
  if (!pw)
  {
    char const *argv[12] = { USERADD, "--system", "--no-create-home", "--home-dir", home,
      "--shell", nologin(), "--gid", group, name, 0 } ;
    if (errno && errno != ENOENT && errno != ESRCH) strerr_diefu2sys(111, "look up user ", name) ;
    run_tool(argv, name) ;
    setup_say("created user", name, 0) ;
    pw = getpwnam(name) ;
    if (!pw) strerr_dief3x(111, "user ", name, " still missing after useradd") ;
  }
  if (!pw->pw_uid) strerr_dief3x(100, "user ", name, " has uid 0") ;
  o->uid = pw->pw_uid ; o->gid = pw->pw_gid ; o->chown = 1 ; o->name = name ;
}

int users_prefix_ok (char const *p)
{
  size_t n = strlen(p) ;
  if (!n || n > ROLE_PREFIX_MAX || p[0] < 'a' || p[0] > 'z') return 0 ;
  for (size_t i = 0 ; i < n ; i++)
    if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_' || p[i] == '-')) return 0 ;
  return 1 ;
}

void setup_users (roles *r, char const *prefix, char const *home)
{
  char group[ROLE_NAME_MAX] ;
  char nofiles[ROLE_NAME_MAX] ;
  static char const *const suffix[5] = { "q", "r", "d", "l", "alias" } ;
  owner *const who[5] = { &r->queue, &r->remote, &r->smtpd, &r->log, &r->alias } ;
  size_t plen = strlen(prefix), hlen = strlen(home) ;
  char aliashome[hlen + 7] ;
  if (!users_prefix_ok(prefix)) strerr_dief2x(100, "invalid user name prefix: ", prefix) ;
  memcpy(aliashome, home, hlen) ; memcpy(aliashome + hlen, "/alias", 7) ;
  {
    /* before making anyone: an existing queue must already be this prefix's */
    struct stat st ;
    struct passwd *pw ;
    char qdir[hlen + 7] ;
    char qname[plen + 2] ;
    memcpy(qdir, home, hlen) ; memcpy(qdir + hlen, "/queue", 7) ;
    memcpy(qname, prefix, plen) ; memcpy(qname + plen, "q", 2) ;
    if (stat(qdir, &st) == 0 && (!(pw = getpwnam(qname)) || pw->pw_uid != st.st_uid))
      strerr_dief3x(100, "queue/ is not owned by ", qname, ": a single-user instance stays single-user (give -u)") ;
  }
  memcpy(group, prefix, plen + 1) ;
  memcpy(nofiles, prefix, plen) ; memcpy(nofiles + plen, "nofiles", 8) ;
  group_get(group) ;
  group_get(nofiles) ;
  for (unsigned int i = 0 ; i < 5 ; i++)
  {
    memcpy(r->names[i], prefix, plen) ; strcpy(r->names[i] + plen, suffix[i]) ;
    /* the queue's group (PREFIX) only for the two that read queue/mess */
    user_get(who[i], r->names[i], i < 2 ? group : nofiles, i == 4 ? aliashome : home) ;
  }
  r->multi = 1 ;
}
