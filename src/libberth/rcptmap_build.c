/* ISC license. */
/* The recipients map's builder (berth/rcptmap.h). Reads users/assign.cdb, passwd (getpwent: a
   dynamic program's) and the names in the homes they point to; opens no .qmail file, follows no
   link in a home (a name is enough: an entry that is not a regular file is taken as present,
   which can only accept more). */

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/cdb.h>
#include <skalibs/cdbmake.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/assign.h>
#include <berth/clock.h>
#include <berth/qmename.h>
#include <berth/queue.h>
#include <berth/rcptmap.h>
#include <berth/userpart.h>

#define ASSIGN_HOME_FIELD 3

static int add (cdbmaker *cm, char tag, char const *k, size_t klen, char const *d, size_t dlen)
{
  size_t n = klen + 1 ;
  char key[n] ;
  key[0] = tag ;
  memcpy(key + 1, k, klen) ;
  return cdbmake_add(cm, key, n, d, dlen) ;
}

/* homes: NUL-separated, each once */
static int home_note (stralloc *homes, char const *home)
{
  size_t len = strlen(home) ;
  for (size_t i = 0 ; i < homes->len ; i += strlen(homes->s + i) + 1)
    if (!strcmp(homes->s + i, home)) return 1 ;
  return stralloc_catb(homes, home, len + 1) ;
}

static int has_upper (char const *s)
{
  for (; *s ; s++) if (*s >= 'A' && *s <= 'Z') return 1 ;
  return 0 ;
}

/* qmail-getpw's test, as berth-lspawn applies it */
static int passwd_claims (struct passwd const *pw)
{
  struct stat st ;
  size_t n = strlen(pw->pw_name) ;
  return pw->pw_uid && n && n < USERPART_NAMEMAX && !has_upper(pw->pw_name)
      && stat(pw->pw_dir, &st) == 0 && st.st_uid == pw->pw_uid ;
}

static int passwd_add (cdbmaker *cm, stralloc *homes, struct passwd const *pw)
{
  if (!passwd_claims(pw)) return 1 ;
  return add(cm, RCPTMAP_TAG_PASSWD, pw->pw_name, strlen(pw->pw_name), pw->pw_dir, strlen(pw->pw_dir))
      && home_note(homes, pw->pw_dir) ;
}

static int passwd_all (cdbmaker *cm, stralloc *homes, uid_t owner)
{
  struct passwd *pw ;
  if (owner)
  {
    errno = 0 ;
    pw = getpwuid(owner) ;
    if (!pw) return !errno || errno == ENOENT || errno == ESRCH ;
    return passwd_add(cm, homes, pw) ;
  }
  setpwent() ;
  for (;;)
  {
    errno = 0 ;
    pw = getpwent() ;
    if (!pw) break ;
    if (!passwd_add(cm, homes, pw)) { endpwent() ; return 0 ; }
  }
  endpwent() ;
  return !errno || errno == ENOENT ;
}

/* users/assign.cdb's records, copied; their homes noted */
static int assign_copy (cdbmaker *cm, stralloc *homes)
{
  cdb c = CDB_ZERO ;
  cdb_data k, d ;
  uint32_t pos ;
  int r ;
  if (!cdb_init(&c, ASSIGN_CDB)) return errno == ENOENT ;
  cdb_traverse_init(&pos) ;
  while ((r = cdb_traverse_next(&c, &k, &d, &pos)) > 0)
  {
    char const *f = d.s ;
    size_t left = d.len ;
    if (!cdbmake_add(cm, k.s, k.len, d.s, d.len)) goto err ;
    for (unsigned int i = 0 ; i < ASSIGN_HOME_FIELD ; i++)
    {
      char const *z = memchr(f, 0, left) ;
      if (!z) { errno = EPROTO ; goto err ; }
      left -= z + 1 - f ; f = z + 1 ;
    }
    if (!memchr(f, 0, left)) { errno = EPROTO ; goto err ; }
    if (!home_note(homes, f)) goto err ;
  }
  cdb_free(&c) ;
  if (r < 0) errno = EPROTO ;
  return !r ;
 err:
  cdb_free(&c) ;
  return 0 ;
}

/* one home's .qmail names; a home that cannot be read is marked so */
static int home_list (cdbmaker *cm, char const *home, stralloc *key)
{
  size_t hlen = strlen(home), blen = sizeof(QMENAME_BASE) - 1 ;
  DIR *dir = opendir(home) ;
  if (!dir) return add(cm, RCPTMAP_TAG_HOME, home, hlen, RCPTMAP_HOME_UNREAD, sizeof(RCPTMAP_HOME_UNREAD) - 1) ;
  for (;;)
  {
    struct dirent *e ;
    errno = 0 ;
    e = readdir(dir) ;
    if (!e) break ;
    if (strncmp(e->d_name, QMENAME_BASE, blen)) continue ;
    key->len = 0 ;
    if (!stralloc_catb(key, home, hlen) || !stralloc_catb(key, "/", 1) || !stralloc_cats(key, e->d_name)
     || !add(cm, RCPTMAP_TAG_FILE, key->s, key->len, "", 0)) { closedir(dir) ; return 0 ; }
  }
  if (errno) { int e = errno ; closedir(dir) ; errno = e ; return 0 ; }
  closedir(dir) ;
  return add(cm, RCPTMAP_TAG_HOME, home, hlen, "", 0) ;
}

static int build (cdbmaker *cm)
{
  stralloc homes = STRALLOC_ZERO, tmp = STRALLOC_ZERO ;
  struct timespec now ;
  struct stat st ;
  char fmt[ULONG_FMT * 2 + 1] ;
  size_t n ;
  if (!berth_clock_read(&now) || stat(".", &st) < 0) return 0 ;
  n = ulong_fmt(fmt, (unsigned long)now.tv_sec) ;
  fmt[n++] = '.' ;
  n += ulong_fmt(fmt + n, (unsigned long)now.tv_nsec) ;
  if (!add(cm, RCPTMAP_TAG_TIME, "", 0, fmt, n)) goto err ;
  if (!assign_copy(cm, &homes)) goto err ;
  if (!passwd_all(cm, &homes, st.st_uid)) goto err ;
  if (sagetcwd(&tmp) < 0 || !stralloc_cats(&tmp, "/" RCPTMAP_ALIAS_DIR) || !stralloc_0(&tmp)
   || !add(cm, RCPTMAP_TAG_ALIAS, "", 0, tmp.s, tmp.len - 1) || !home_note(&homes, tmp.s)) goto err ;
  for (size_t i = 0 ; i < homes.len ; i += strlen(homes.s + i) + 1)
    if (!home_list(cm, homes.s + i, &tmp)) goto err ;
  stralloc_free(&homes) ; stralloc_free(&tmp) ;
  return 1 ;
 err:
  stralloc_free(&homes) ; stralloc_free(&tmp) ;
  return 0 ;
}

int rcptmap_build (void)
{
  cdbmaker cm = CDBMAKER_ZERO ;
  int fd = open_trunc(RCPTMAP_TMP) ;
  if (fd < 0) return 0 ;
  if (fchmod(fd, 0644) < 0 || !cdbmake_start(&cm, fd) || !build(&cm) || !cdbmake_finish(&cm) || fd_sync(fd) < 0) goto err ;
  fd_close(fd) ;
  if (rename(RCPTMAP_TMP, RCPTMAP_FILE) < 0) goto errname ;
  return queue_syncdir("users") >= 0 ;
 err:
  {
    int e = errno ;
    fd_close(fd) ;
    errno = e ;
  }
 errname:
  {
    int e = errno ;
    unlink(RCPTMAP_TMP) ;
    errno = e ;
  }
  return 0 ;
}
