/* ISC license. */
/* berth-showctl's table: every control file berth reads, with its default and purpose (each one
   is described in doc/control.md; tests/docs.t checks that), and the names berth itself writes
   into control/. A new control file gets its line here, or berth-showctl warns about it.
   Trust: constants only. */

#include <string.h>
#include "showctl.h"

ctl const showctl_table[] =
{
  { "me", K_LINE, 0, "this host's name; the default for most names below" },
  { "smtpgreeting", K_LINE, "me", "berth-smtpd's greeting" },
  { "rcpthosts", K_LIST, 0, "domains berth-smtpd accepts mail for" },
  { "morercpthosts.cdb", K_CDB, 0, "more rcpthosts, compiled" },
  { "morercpthosts", K_LIST, 0, "source of morercpthosts.cdb (berth-reload compiles it)" },
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
  { "concurrencydomain", K_NUM, "20", "simultaneous remote deliveries to one domain (its window's top)" },
  { "ratedelay", K_NUM, "0", "milliseconds between deliveries to one domain (0: none)" },
  { "destinations", K_LIST, 0, "per-domain domain:concurrency:ratedelay overrides" },
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
  { "tlscert", K_LINE, 0, "certificate chain of the TLS services (STARTTLS on 25, submission, smtps)" },
  { "tlskey", K_LINE, 0, "private key of the TLS services" },
  { "tlssuites", K_LINE, 0, "the TLS services' cipher suites (default: forward-secret AEAD only; compat)" },
  { "dnsserver", K_LINE, "resolv.conf's", "berth-remote's nameserver" },
  { "milters", K_LIST, 0, "milters for mail from the network, in order (berth-milter)" },
  { "milters-local", K_LIST, 0, "milters for local mail: berth-inject, sendmail (berth-milter)" },
  { "nochunking", K_LINE, 0, "present: berth-remote sends DATA, never BDAT (CHUNKING)" },
  { "dnssec", K_NUM, "0", "1: that nameserver validates DNSSEC (loopback only): DANE, tlspolicy default dane" },
  { "mtasts", K_NUM, "1", "0: MTA-STS (RFC 8461) off; on by default, berth-mtasts -l shows its cache" },
  { "tlsrpt", K_LINE, 0, "present: TLS-RPT (RFC 8460) on; the reporter's name, then contact address (berth-tlsrpt)" },
  { "timeoutdns", K_NUM, "5", "berth-remote's DNS timeout, seconds" },
  { "smtpport", K_NUM, "25", "berth-remote's destination port" },
  { "outgoingip", K_LINE, 0, "berth-remote's IPv4 source address" },
  { "outgoingip6", K_LINE, 0, "berth-remote's IPv6 source address" },
  { "preferipv4", K_LINE, 0, "present: IPv4 addresses are tried first" },
  { "tlspolicy", K_LIST, "*:may", "berth-remote's STARTTLS policy per destination" },
  { "tlsanchors", K_LINE, "/etc/ssl/certs", "trust anchors for TLS verify" },
  { "moreipme", K_LIST, 0, "addresses of this host besides its interfaces" },
  { "notipme", K_LIST, 0, "addresses never taken for this host's" },
  { "qmtproutes", K_LIST, 0, "domains delivered by QMTP" },
  { "qmqpservers", K_LIST, 0, "QMQP servers of a null client (berth-qmqpc)" },
  { "envelopebytes", K_NUM, "1048576", "most bytes in one message's envelope" },
  { "enveloperecipients", K_NUM, "10000", "most recipients in one message's envelope" },
  { "tcp.smtp", K_LIST, 0, "tcprules source of the smtpd services (tcp.smtp.cdb)" },
  { "tcp.qmqpd", K_LIST, 0, "tcprules source of the qmqpd service (tcp.qmqpd.cdb)" },
  { "tcp.qmtpd", K_LIST, 0, "tcprules source of the qmtpd service (tcp.qmtpd.cdb)" },
  { "smtpauth", K_SECRET, 0, "berth-remote's smarthost credentials (never shown)" },
  { "logdebug", K_NUM, "0", "not 0: berth-rspawn logs its own line per recipient too (debug)" },
  { "retryscale", K_NUM, "1", "divides retry delays: tests only" },
  { "uidsmtpd", K_NUM, 0, "uid of berth-smtpd (multi-user)" },
  { "uidsend", K_NUM, 0, "uid of berth-send (multi-user)" },
  { "uidalias", K_NUM, 0, "uid of alias deliveries (multi-user)" },
  { 0, K_LINE, 0, 0 }
} ;

/* written by berth itself: compiled from a source above, or a temporary being written */
static char const *const compiled[] =
{
  "morercpthosts.cdb", "morercpthosts.tmp", "tcp.smtp.cdb", "tcp.smtp.tmp", "tcp.qmqpd.cdb",
  "tcp.qmqpd.tmp", "tcp.qmtpd.cdb", "tcp.qmtpd.tmp", 0
} ;

/* the smtpd services compile tcp.smtp into tcp.smtp.tmp.PID (two may start at once) */
#define TMP_PID_PREFIX "tcp.smtp.tmp."

int showctl_known (char const *name)
{
  for (ctl const *c = showctl_table ; c->name ; c++) if (!strcmp(c->name, name)) return 1 ;
  for (char const *const *p = compiled ; *p ; p++) if (!strcmp(*p, name)) return 1 ;
  return !strncmp(name, TMP_PID_PREFIX, sizeof TMP_PID_PREFIX - 1) ;
}
