/* ISC license. */
/* SMTP AUTH (RFC 4954), mechanisms PLAIN and LOGIN, checked by a checkpassword(8) program.
   Offered only over TLS, or in clear to a loopback peer with control/authloopback.
   Trust: every response is the peer's: strictly base64-decoded into a fixed buffer, wiped
   after use; the password is never logged. A success opens relaying (mailrcpt.c: as if
   RELAYCLIENT were set and empty) until STARTTLS forgets it. */

#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/iopause.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <berth/base64.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

#define MECH_PLAIN "PLAIN"
#define MECH_LOGIN "LOGIN"
#define RESP_CANCEL "*"
#define RESP_EMPTY "="
#define DECODED_MAX BASE64_DECODED_MAX(SMTPD_CMDLINE_MAX)

#define R_OK 1
#define R_MALFORMED 0
#define R_CANCEL (-1)

int smtpd_auth_offered (smtpd const *s)
{
  return s->checkpw.len && !s->authed && (s->tls || s->authloopback) ;
}

static void wipe_line (smtpd *s)
{
  if (s->line.s) explicit_bzero(s->line.s, s->line.a) ;
  s->line.len = 0 ;
}

/* Decodes x[0..len) ("=" is the empty response) into out; R_OK, R_MALFORMED or R_CANCEL. */
static int decode (char const *x, size_t len, char *out, size_t *outlen)
{
  ssize_t r ;
  if (len == 1 && x[0] == RESP_CANCEL[0]) return R_CANCEL ;
  if (len == 1 && x[0] == RESP_EMPTY[0]) { *outlen = 0 ; return R_OK ; }
  r = base64_decode(out, x, len) ;
  if (r < 0) return R_MALFORMED ;
  *outlen = r ;
  return R_OK ;
}

/* Sends a 334 challenge, reads and decodes the answer. */
static int challenge (smtpd *s, char const *prompt, char *out, size_t *outlen)
{
  int r ;
  smtpd_reply(s, prompt) ;
  r = smtpd_getcmd(s) ;
  r = r > 0 ? decode(s->line.s, s->line.len, out, outlen) : R_MALFORMED ;
  wipe_line(s) ;
  return r ;
}

static void pause_failure (void)
{
  tain d ;
  tain_now_g() ;
  tain_from_millisecs(&d, SMTPD_AUTH_DELAY_MS) ;
  tain_add_g(&d, &d) ;
  deepsleepuntil_g(&d) ;
}

static void fail (smtpd *s, char const *reply, char const *mech, char const *user, size_t ulen, char const *result)
{
  pause_failure() ;
  smtpd_log_auth(s, mech, user, ulen, result) ;
  s->authfails++ ;
  if (s->authfails >= SMTPD_AUTH_FAILS_MAX)
  {
    smtpd_reply(s, reply) ;
    smtpd_drop(s, RP_AUTH_TOO_MANY, "auth-failures") ;
  }
  smtpd_reply(s, reply) ;
}

static void verify (smtpd *s, char const *mech, char const *user, size_t ulen, char const *pass, size_t plen)
{
  int r ;
  if (!ulen || !plen || memchr(user, 0, ulen) || memchr(pass, 0, plen)) r = 0 ;
  else r = smtpd_checkpw(s, user, ulen, pass, plen) ;
  if (r < 0)
  {
    pause_failure() ;
    smtpd_log_auth(s, mech, user, ulen, "tempfail") ;
    smtpd_reply(s, RP_AUTH_TEMP) ;
    return ;
  }
  if (!r) { fail(s, RP_AUTH_BAD, mech, user, ulen, "bad") ; return ; }
  if (!stralloc_copyb(&s->authuser, user, ulen) || !stralloc_0(&s->authuser)) smtpd_drop(s, RP_NOMEM, "nomem") ;
  s->authuser.len-- ;
  s->authed = 1 ;
  s->authtype = mech ;
  smtpd_log_auth(s, mech, user, ulen, "ok") ;
  smtpd_reply(s, RP_AUTH_OK) ;
}

/* PLAIN: authzid \0 authcid \0 passwd; authzid must be empty or the authcid itself. */
static void plain (smtpd *s, char const *init, size_t initlen)
{
  char buf[DECODED_MAX] ;
  size_t n = 0 ;
  int r = initlen ? decode(init, initlen, buf, &n) : challenge(s, RP_AUTH_PROMPT, buf, &n) ;
  char const *z1, *z2 ;
  if (r == R_CANCEL) { fail(s, RP_AUTH_CANCEL, MECH_PLAIN, "", 0, "cancelled") ; return ; }
  z1 = r == R_OK ? memchr(buf, 0, n) : 0 ;
  z2 = z1 ? memchr(z1 + 1, 0, n - (z1 + 1 - buf)) : 0 ;
  if (!z2) { explicit_bzero(buf, sizeof buf) ; fail(s, RP_AUTH_B64, MECH_PLAIN, "", 0, "malformed") ; return ; }
  {
    char const *user = z1 + 1 ;
    size_t ulen = z2 - user ;
    size_t zlen = z1 - buf ;
    if (zlen && (zlen != ulen || memcmp(buf, user, ulen) != 0)) fail(s, RP_AUTH_BAD, MECH_PLAIN, user, ulen, "authzid") ;
    else verify(s, MECH_PLAIN, user, ulen, z2 + 1, n - (z2 + 1 - buf)) ;
  }
  explicit_bzero(buf, sizeof buf) ;
}

static void login (smtpd *s, char const *init, size_t initlen)
{
  char user[DECODED_MAX] ;
  char pass[DECODED_MAX] ;
  size_t ulen = 0, plen = 0 ;
  int r = initlen ? decode(init, initlen, user, &ulen) : challenge(s, RP_AUTH_LOGIN_USER, user, &ulen) ;
  if (r == R_OK) r = challenge(s, RP_AUTH_LOGIN_PASS, pass, &plen) ;
  if (r == R_CANCEL) fail(s, RP_AUTH_CANCEL, MECH_LOGIN, "", 0, "cancelled") ;
  else if (r == R_MALFORMED) fail(s, RP_AUTH_B64, MECH_LOGIN, "", 0, "malformed") ;
  else verify(s, MECH_LOGIN, user, ulen, pass, plen) ;
  explicit_bzero(pass, sizeof pass) ;
}

void smtpd_auth (smtpd *s, char const *arg, size_t len)
{
  size_t m = 0, i ;
  if (!smtpd_auth_offered(s))
  {
    smtpd_reply(s, s->authed ? RP_AUTH_AGAIN : s->checkpw.len && smtpd_tls_offered(s) ? RP_NEED_TLS : RP_AUTH_NONE) ;
    return ;
  }
  if (s->helomode != HELO_EHLO) { smtpd_reply(s, RP_AUTH_NEED_EHLO) ; return ; }
  if (s->hasmail) { smtpd_reply(s, RP_AUTH_INTX) ; return ; }
  while (m < len && arg[m] != ' ') m++ ;
  i = m < len ? m + 1 : m ;
  if (!m || memchr(arg + i, ' ', len - i) || (m < len && i == len)) { smtpd_reply(s, RP_AUTH_SYNTAX) ; return ; }
  if (m == sizeof(MECH_PLAIN) - 1 && !case_diffb(arg, m, MECH_PLAIN)) plain(s, arg + i, len - i) ;
  else if (m == sizeof(MECH_LOGIN) - 1 && !case_diffb(arg, m, MECH_LOGIN)) login(s, arg + i, len - i) ;
  else smtpd_reply(s, RP_AUTH_MECH) ;
  wipe_line(s) ;   /* an initial response holds the password */
}
