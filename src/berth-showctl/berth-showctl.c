/* ISC license. */
/* berth-showctl: prints the effective control settings of an instance (each file's value or the
   default it falls back to) and warns about mistakes, like qmail-showctl. Exit 0, or 1 when
   there is a warning, 111 when the instance cannot be read.
   Trust: reads control files only; prints them sanitised. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/buffer.h>
#include <skalibs/cdb.h>
#include <skalibs/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <berth/control.h>
#include <berth/home.h>

#define CDB_HEADER_SIZE 2048

/* K_SECRET: never printed; only its presence, entry count and whether its mode is private */
typedef enum kind_e { K_LINE, K_NUM, K_LIST, K_CDB, K_SECRET } kind ;

typedef struct ctl_s ctl, *ctl_ref ;
struct ctl_s
{
  char const *name ;
  kind k ;
  char const *dflt ;   /* shown when absent; "me" means the value of control/me */
  char const *what ;
} ;

static ctl const table[] =
{
  { "me", K_LINE, 0, "this host's name; the default for most names below" },
  { "smtpgreeting", K_LINE, "me", "berth-smtpd's greeting" },
  { "rcpthosts", K_LIST, 0, "domains berth-smtpd accepts mail for" },
  { "morercpthosts.cdb", K_CDB, 0, "more rcpthosts, compiled" },
  { "localiphost", K_LINE, "me", "name replacing [ip] literals of local addresses" },
  { "badmailfrom", K_LIST, 0, "refused envelope senders (@host entries allowed)" },
  { "databytes", K_NUM, "0", "largest message berth-smtpd accepts (0: no limit)" },
  { "timeoutsmtpd", K_NUM, "1200", "berth-smtpd's per-command timeout, seconds" },
  { "locals", K_LIST, "me", "domains delivered locally" },
  { "virtualdomains", K_LIST, 0, "virtual users and domains" },
  { "percenthack", K_LIST, 0, "domains where u%d@domain means u@d" },
  { "envnoathost", K_LINE, "me", "domain for recipients without @" },
  { "concurrencylocal", K_NUM, "10", "simultaneous local deliveries" },
  { "concurrencyremote", K_NUM, "20", "simultaneous remote deliveries" },
  { "queuelifetime", K_NUM, "604800", "seconds before temporary failures become permanent" },
  { "defaultdelivery", K_LINE, "./Maildir/", "delivery when there is no .qmail" },
  { "smtproutes", K_LIST, 0, "artificial SMTP routes" },
  { "helohost", K_LINE, "me", "name berth-remote gives in EHLO/HELO" },
  { "timeoutconnect", K_NUM, "60", "berth-remote's connect timeout, seconds" },
  { "timeoutremote", K_NUM, "1200", "berth-remote's longest wait for the peer, seconds" },
  { "bouncefrom", K_LINE, "MAILER-DAEMON", "local part of the bounce's From:" },
  { "bouncehost", K_LINE, "me", "domain of the bounce's From:" },
  { "doublebounceto", K_LINE, "postmaster", "local part for double bounces" },
  { "doublebouncehost", K_LINE, "me", "domain for double bounces" },
  { "bouncemaxbytes", K_NUM, "50000", "largest original returned whole in a bounce" },
  { "defaultdomain", K_LINE, "me", "berth-inject: domain for names without dots" },
  { "defaulthost", K_LINE, "me", "berth-inject: host for addresses without @" },
  { "idhost", K_LINE, "me", "berth-inject: host in Message-ID" },
  { "plusdomain", K_LINE, "me", "berth-inject: domain replacing a trailing +" },
  { "bouncemode", K_LINE, "MIME report", "berth-bounce: qsbmf for qmail's plain-text bounces" },
  { "delaywarning", K_NUM, "0", "seconds before a delayed-delivery notice (0: none)" },
  { "timeoutlocal", K_NUM, "1000", "seconds a local delivery may run before it is killed" },
  { "timeoutsmtpdsession", K_NUM, "3600", "berth-smtpd's longest session, seconds" },
  { "checkpassword", K_LINE, 0, "berth-smtpd's checkpassword program for AUTH" },
  { "requiretls", K_LINE, 0, "present: berth-smtpd refuses MAIL before STARTTLS" },
  { "requireauth", K_LINE, 0, "present: berth-smtpd refuses MAIL before AUTH" },
  { "authloopback", K_LINE, 0, "present: AUTH offered without TLS to loopback clients" },
  { "rcptcheck", K_LINE, 0, "present: berth-smtpd refuses unknown local recipients at RCPT (users/recipients.cdb)" },
  { "tlscert", K_LINE, 0, "certificate chain of the submission and smtps services" },
  { "tlskey", K_LINE, 0, "private key of the submission and smtps services" },
  { "dnsserver", K_LINE, "resolv.conf's", "berth-remote's nameserver" },
  { "timeoutdns", K_NUM, "5", "berth-remote's DNS timeout, seconds" },
  { "smtpport", K_NUM, "25", "berth-remote's destination port" },
  { "outgoingip", K_LINE, 0, "berth-remote's IPv4 source address" },
  { "outgoingip6", K_LINE, 0, "berth-remote's IPv6 source address" },
  { "preferipv4", K_LINE, 0, "present: IPv4 addresses are tried first" },
  { "nochunking", K_LINE, 0, "present: berth-remote sends DATA, never BDAT (CHUNKING)" },
  { "tlspolicy", K_LIST, "*:may", "berth-remote's STARTTLS policy per destination" },
  { "tlsanchors", K_LINE, "/etc/ssl/certs", "trust anchors for TLS verify" },
  { "smtpauth", K_SECRET, 0, "berth-remote's smarthost credentials (never shown)" },
  { "retryscale", K_NUM, "1", "divides retry delays: tests only" },
  { "logdebug", K_NUM, "0", "not 0: berth-rspawn logs its own line per recipient too (debug)" },
  { "uidsmtpd", K_NUM, 0, "uid of berth-smtpd (multi-user)" },
  { "uidsend", K_NUM, 0, "uid of berth-send (multi-user)" },
  { "uidalias", K_NUM, 0, "uid of alias deliveries (multi-user)" },
  { 0, K_LINE, 0, 0 }
} ;

static void out (char const *s) { buffer_puts(buffer_1, s) ; }

/* prints s with control bytes shown as '?' */
static void out_clean (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = (unsigned char)s[i] < 32 || s[i] == 127 ? '?' : s[i] ;
    buffer_put(buffer_1, &c, 1) ;
  }
}

/* Warnings are collected and printed after the settings. */
static unsigned int warn (stralloc *w, char const *a, char const *b, char const *c)
{
  if (!stralloc_cats(w, "warning: ") || !stralloc_cats(w, a) || !stralloc_cats(w, b)
   || !stralloc_cats(w, c) || !stralloc_cats(w, "\n")) strerr_diefu1sys(111, "allocate") ;
  return 1 ;
}

static int in_list (stralloc const *list, char const *s)
{
  for (size_t i = 0 ; i < list->len ; i += strlen(list->s + i) + 1)
    if (!strcasecmp(list->s + i, s)) return 1 ;
  return 0 ;
}

static unsigned int show (ctl const *c, char const *me, stralloc *ws)
{
  stralloc sa = STRALLOC_ZERO ;
  char fn[9 + strlen(c->name) + 1] ;
  unsigned int w = 0 ;
  int r ;
  memcpy(fn, "control/", 8) ; strcpy(fn + 8, c->name) ;
  out(c->name) ; out(": ") ;
  if (c->k == K_SECRET)
  {
    struct stat st ;
    r = control_readlines(&sa, fn) ;
    if (r < 0) out("(unreadable by this user)") ;
    else if (!r) out("(absent)") ;
    else
    {
      size_t n = 0 ;
      char fmt[ULONG_FMT] ;
      for (size_t i = 0 ; i < sa.len ; i += strlen(sa.s + i) + 1) n++ ;
      out("(present, ") ; buffer_put(buffer_1, fmt, ulong_fmt(fmt, n)) ; out(n == 1 ? " entry)" : " entries)") ;
    }
    if (r && stat(fn, &st) == 0 && st.st_mode & (S_IRWXG | S_IRWXO))
      w += warn(ws, fn, " is readable by others than its owner: chmod 600 it", "") ;
  }
  else if (c->k == K_CDB)
  {
    cdb db = CDB_ZERO ;
    cdb_data d ;
    if (access(fn, F_OK) < 0) out("(absent)") ;
    else if (!cdb_init(&db, fn) || db.size < CDB_HEADER_SIZE || cdb_find(&db, &d, "", 0) < 0)
    {
      cdb_free(&db) ; out("(unreadable)") ; w += warn(ws, fn, " cannot be read as a cdb", "") ; }
    else { out("(cdb present)") ; cdb_free(&db) ; }
  }
  else
  {
    char const *dflt = !c->dflt ? 0 : !strcmp(c->dflt, "me") ? me : c->dflt ;
    r = c->k == K_LIST ? control_readlines(&sa, fn) : control_readline(&sa, fn, 0) ;
    if (r < 0) { out("(unreadable)") ; w += warn(ws, "unable to read ", fn, "") ; }
    else if (!r && c->k == K_LIST) { out("(absent)") ; if (dflt) { out(" default: ") ; out(dflt) ; } }
    else if (!r) { out("(absent) default: ") ; out(dflt ? dflt : "(none)") ; }
    else if (c->k == K_LIST)
      for (size_t i = 0 ; i < sa.len ; i += strlen(sa.s + i) + 1)
      {
        out(i ? ", " : "") ; out_clean(sa.s + i, strlen(sa.s + i)) ;
      }
    else
    {
      out_clean(sa.s, sa.len) ;
      if (c->k == K_NUM)
      {
        unsigned long u ;
        if (control_readulong(&u, fn, 0) <= 0) w += warn(ws, fn, " is not a number", "") ;
      }
    }
  }
  out("   # ") ; out(c->what) ; out("\n") ;
  stralloc_free(&sa) ;
  return w ;
}

int main (void)
{
  stralloc me = STRALLOC_ZERO, locals = STRALLOC_ZERO, virt = STRALLOC_ZERO, ws = STRALLOC_ZERO ;
  char const *home = berth_home() ;
  unsigned int w = 0 ;
  PROG = "berth-showctl" ;
  if (chdir(home) < 0) strerr_diefu2sys(111, "chdir to ", home) ;
  out("berth instance: ") ; out(home) ; out("\n") ;
  if (control_readline(&me, "control/me", 0) <= 0 || !me.len)
  {
    w += warn(&ws, "control/me is missing or empty: every name defaulting to it is unset", "", "") ;
    if (!stralloc_copys(&me, "(unset)") || !stralloc_0(&me)) strerr_diefu1sys(111, "allocate") ;
    me.len-- ;   /* the NUL is there but not counted, as control_readline leaves it */
  }
  for (ctl const *c = table ; c->name ; c++) w += show(c, me.s, &ws) ;
  if (control_readlines(&locals, "control/locals") == 0) { stralloc_copyb(&locals, me.s, me.len + 1) ; }
  if (control_readlines(&virt, "control/virtualdomains") > 0)
    for (size_t i = 0 ; i < virt.len ; i += strlen(virt.s + i) + 1)
    {
      char const *line = virt.s + i ;
      char const *colon = strchr(line, ':') ;
      if (!colon) { w += warn(&ws, "control/virtualdomains: a line without a colon: ", line, "") ; continue ; }
      {
        char key[colon - line + 1] ;
        memcpy(key, line, colon - line) ; key[colon - line] = 0 ;
        if (in_list(&locals, key)) w += warn(&ws, "domain ", key, " is both in locals and in virtualdomains (locals wins)") ;
      }
    }
  {
    struct stat st, sc ;
    stralloc assign = STRALLOC_ZERO ;
    int entries = control_readlines(&assign, "users/assign") > 0 && strcmp(assign.s, ".") ;
    if (entries && stat("users/assign", &st) == 0 && (stat("users/assign.cdb", &sc) < 0 || sc.st_mtime < st.st_mtime))
      w += warn(&ws, "users/assign is newer than users/assign.cdb: run berth-newu", "", "") ;
    stralloc_free(&assign) ;
  }
  buffer_put(buffer_1, ws.s, ws.len) ;
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return w ? 1 : 0 ;
}
