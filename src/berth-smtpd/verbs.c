/* ISC license. */
/* The command loop, the verb table, the capability table, and the small verbs.
   Trust: the command line is the peer's; it is NUL-terminated and at most SMTPD_CMDLINE_MAX. */

#include <string.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <berth/smtpd.h>
#include <berth/smtpd_replies.h>

/* EHLO capabilities, each with a predicate saying whether this session offers it. */
typedef struct cap_s cap ;
struct cap_s
{
  char const *name ;
  int (*offered) (smtpd const *) ;
  void (*fmt) (smtpd *) ;   /* writes the keyword and its parameters; 0: name alone */
} ;

static int always (smtpd const *s) { (void)s ; return 1 ; }

static void cap_size (smtpd *s)
{
  char fmt[UINT64_FMT] ;
  smtpd_puts(s, "SIZE") ;
  if (s->databytes)
  {
    smtpd_put(s, " ", 1) ;
    smtpd_put(s, fmt, uint64_fmt(fmt, s->databytes)) ;
  }
}

static int tls_offered (smtpd const *s) { return smtpd_tls_offered(s) ; }
static int auth_offered (smtpd const *s) { return smtpd_auth_offered(s) ; }

static void cap_auth (smtpd *s) { smtpd_puts(s, "AUTH PLAIN LOGIN") ; }

/* DSN and REQUIRETLS only when the queue program keeps their parameters (berth/envext.h);
   REQUIRETLS only in a TLS session (RFC 8689 4.1) */
static int dsn_offered (smtpd const *s) { return s->envext ; }
static int requiretls_offered (smtpd const *s) { return s->envext && s->tls ; }

static cap const caps[] =
{
  { "PIPELINING", &always, 0 },
  { "8BITMIME", &always, 0 },
  { "SIZE", &always, &cap_size },
  { "ENHANCEDSTATUSCODES", &always, 0 },
  { "SMTPUTF8", &always, 0 },
  { "CHUNKING", &always, 0 },
  { "DSN", &dsn_offered, 0 },
  { "REQUIRETLS", &requiretls_offered, 0 },
  { "STARTTLS", &tls_offered, 0 },
  { "AUTH", &auth_offered, &cap_auth },
  { 0, 0, 0 }
} ;

void smtpd_rset (smtpd *s)
{
  smtpparam z = SMTPPARAM_ZERO ;
  smtpd_bdat_abort(s) ;
  s->bdatfail = 0 ;
  s->msg.chunks = 0 ;
  s->hasmail = 0 ;
  s->mailfrom.len = 0 ;
  s->rcpts.len = 0 ;
  s->rparams.len = 0 ;
  s->mparams.len = 0 ;
  s->nrcpt = 0 ;
  s->mparam = z ;
  s->sid[0] = 0 ;
}

static int sethelo (smtpd *s, char const *arg, size_t len)
{
  while (len && *arg == ' ') { arg++ ; len-- ; }
  while (len && arg[len-1] == ' ') len-- ;
  if (!len) { smtpd_reply(s, RP_HELO_ARG) ; return 0 ; }
  if (!stralloc_copyb(&s->helo, arg, len) || !stralloc_0(&s->helo)) smtpd_drop(s, RP_NOMEM, "nomem") ;
  s->helo.len-- ;
  smtpd_rset(s) ;
  return 1 ;
}

static void v_helo (smtpd *s, char const *arg, size_t len)
{
  if (!sethelo(s, arg, len)) return ;
  s->helomode = HELO_HELO ;
  smtpd_puts(s, RP_HELLO) ;
  smtpd_put(s, s->me.s, s->me.len) ;
  smtpd_put(s, "\r\n", 2) ;
}

static void v_ehlo (smtpd *s, char const *arg, size_t len)
{
  cap const *c = caps ;
  cap const *last = 0 ;
  if (!sethelo(s, arg, len)) return ;
  s->helomode = HELO_EHLO ;
  for (; c->name ; c++) if ((*c->offered)(s)) last = c ;
  smtpd_puts(s, last ? RP_HELLO_MORE : RP_HELLO) ;
  smtpd_put(s, s->me.s, s->me.len) ;
  for (c = caps ; last && c <= last ; c++)
  {
    if (!(*c->offered)(s)) continue ;
    smtpd_put(s, "\r\n", 2) ;
    smtpd_puts(s, c == last ? RP_HELLO : RP_HELLO_MORE) ;
    if (c->fmt) (*c->fmt)(s) ; else smtpd_puts(s, c->name) ;
  }
  smtpd_put(s, "\r\n", 2) ;
}

static void v_mail (smtpd *s, char const *arg, size_t len) { smtpd_mail(s, arg, len) ; }
static void v_rcpt (smtpd *s, char const *arg, size_t len) { smtpd_rcpt(s, arg, len) ; }
static void v_data (smtpd *s, char const *arg, size_t len) { smtpd_data(s, arg, len) ; }
static void v_bdat (smtpd *s, char const *arg, size_t len) { smtpd_bdat(s, arg, len) ; }

static void v_rset (smtpd *s, char const *arg, size_t len)
{
  (void)arg ;
  if (len) { smtpd_reply(s, RP_NO_ARG) ; return ; }
  smtpd_rset(s) ;
  smtpd_reply(s, RP_RSET) ;
}

static void v_noop (smtpd *s, char const *arg, size_t len) { (void)arg ; (void)len ; smtpd_reply(s, RP_NOOP) ; }
static void v_vrfy (smtpd *s, char const *arg, size_t len) { (void)arg ; (void)len ; smtpd_reply(s, RP_VRFY) ; }
static void v_help (smtpd *s, char const *arg, size_t len) { (void)arg ; (void)len ; smtpd_reply(s, RP_HELP) ; }

static void v_quit (smtpd *s, char const *arg, size_t len)
{
  (void)arg ; (void)len ;
  smtpd_puts(s, RP_QUIT_PREFIX) ;
  smtpd_put(s, s->me.s, s->me.len) ;
  smtpd_puts(s, " closing connection\r\n") ;
  smtpd_exit(s, "quit") ;
}

typedef struct verb_s verb ;
struct verb_s
{
  char const *name ;
  void (*f) (smtpd *, char const *, size_t) ;
} ;

static void v_starttls (smtpd *s, char const *arg, size_t len) { smtpd_starttls(s, arg, len) ; }
static void v_auth (smtpd *s, char const *arg, size_t len) { smtpd_auth(s, arg, len) ; }

static verb const verbs[] =
{
  { "HELO", &v_helo },
  { "EHLO", &v_ehlo },
  { "MAIL", &v_mail },
  { "RCPT", &v_rcpt },
  { "DATA", &v_data },
  { "BDAT", &v_bdat },
  { "RSET", &v_rset },
  { "NOOP", &v_noop },
  { "QUIT", &v_quit },
  { "VRFY", &v_vrfy },
  { "HELP", &v_help },
  { "STARTTLS", &v_starttls },
  { "AUTH", &v_auth },
  { 0, 0 }
} ;

void smtpd_dispatch (smtpd *s, char *line, size_t len)
{
  verb const *v = verbs ;
  size_t n = 0 ;
  while (n < len && line[n] != ' ') n++ ;
  for (; v->name ; v++)
    if (n == strlen(v->name) && !case_diffb(line, n, v->name))
    {
      size_t a = n < len ? n + 1 : n ;
      (*v->f)(s, line + a, len - a) ;
      return ;
    }
  smtpd_reply(s, RP_UNKNOWN) ;
}

void smtpd_loop (smtpd *s)
{
  for (;;)
  {
    int r = smtpd_getcmd(s) ;
    if (!r) smtpd_reply(s, RP_LINE_TOO_LONG) ;
    else if (r < 0) smtpd_reply(s, RP_GARBAGE) ;
    else smtpd_dispatch(s, s->line.s, s->line.len) ;
    if (s->errors >= SMTPD_ERRORS_MAX) smtpd_drop(s, RP_TOO_MANY_ERRORS, "too-many-errors") ;
  }
}
