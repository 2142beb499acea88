/* ISC license. */
/* Address lists (RFC 5322 3.4, with the obsolete forms mail still carries): tokenise, then walk
   the tokens as groups, mailboxes and angle addresses. Comments and folding whitespace vanish. */

#include <errno.h>
#include <skalibs/genalloc.h>
#include <skalibs/stralloc.h>
#include <berth/rfc5322.h>

#define TOK_ATOM 'a'
#define TOK_QUOTE 'q'
#define TOK_LITERAL 'l'

typedef struct tok_s tok, *tok_ref ;
struct tok_s
{
  char type ;    /* TOK_* or the special character itself: < > @ , ; : . */
  size_t pos ;   /* atom: the bytes; quote: inside the quotes; literal: including the brackets */
  size_t len ;
} ;

static int is_special (char c)
{
  switch (c)
  {
    case '(' : case ')' : case '<' : case '>' : case '[' : case ']' :
    case ':' : case ';' : case '@' : case ',' : case '.' : case '"' : return 1 ;
    default : return 0 ;
  }
}

static int is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' ;
}

/* Skips a quoted run starting after its opening byte; returns the index of the closing byte
   or len when unterminated. Comments nest. */
static size_t skip_to (char const *s, size_t len, size_t i, char open, char close)
{
  unsigned int depth = 1 ;
  for (; i < len ; i++)
  {
    if (s[i] == '\\') { if (++i >= len) break ; continue ; }
    if (open && s[i] == open) depth++ ;
    else if (s[i] == close && !--depth) return i ;
  }
  return len ;
}

static int tokenise (genalloc *g, char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len)
  {
    tok t ;
    char c = s[i] ;
    if (is_space(c)) { i++ ; continue ; }
    if ((unsigned char)c < 32 || c == 127) return (errno = EINVAL, 0) ;   /* NUL and controls */
    if (c == '(')
    {
      i = skip_to(s, len, i + 1, '(', ')') ;
      if (i >= len) return (errno = EINVAL, 0) ;
      i++ ; continue ;
    }
    if (c == '"')
    {
      size_t e = skip_to(s, len, i + 1, 0, '"') ;
      if (e >= len) return (errno = EINVAL, 0) ;
      t.type = TOK_QUOTE ; t.pos = i + 1 ; t.len = e - i - 1 ; i = e + 1 ;
    }
    else if (c == '[')
    {
      size_t e = skip_to(s, len, i + 1, 0, ']') ;
      if (e >= len) return (errno = EINVAL, 0) ;
      t.type = TOK_LITERAL ; t.pos = i ; t.len = e - i + 1 ; i = e + 1 ;
    }
    else if (c == ')' || c == ']') return (errno = EINVAL, 0) ;
    else if (is_special(c)) { t.type = c ; t.pos = i++ ; t.len = 1 ; }
    else
    {
      t.type = TOK_ATOM ; t.pos = i ;
      while (i < len && (unsigned char)s[i] > 32 && s[i] != 127 && !is_special(s[i])) i++ ;
      t.len = i - t.pos ;
    }
    if (!genalloc_append(tok, g, &t)) return 0 ;
  }
  return 1 ;
}

/* Appends a token's text: quotes and literals unescaped, folding (CR, LF) removed, other
   control bytes refused. */
static int cat_tok (stralloc *sa, char const *s, tok const *t)
{
  size_t i ;
  if (t->type != TOK_QUOTE && t->type != TOK_LITERAL) return stralloc_catb(sa, s + t->pos, t->len) ;
  for (i = 0 ; i < t->len ; i++)
  {
    char c = s[t->pos + i] ;
    if (c == '\\' && i + 1 < t->len) c = s[t->pos + ++i] ;
    else if (c == '\r' || c == '\n') continue ;
    if (((unsigned char)c < 32 && c != '\t') || c == 127) return (errno = EINVAL, 0) ;
    if (!stralloc_catb(sa, &c, 1)) return 0 ;
  }
  return 1 ;
}

static int is_word (tok const *t)
{
  return t->type == TOK_ATOM || t->type == TOK_QUOTE ;
}

/* addr-spec = local-part ["@" domain]; local-part = word *("." word); domain = dot-atom / literal. */
static int cat_addrspec (stralloc *sa, char const *s, tok const *t, size_t n)
{
  size_t i = 0 ;
  for (;;)
  {
    if (i >= n || !is_word(t + i)) return (errno = EINVAL, 0) ;
    if (!cat_tok(sa, s, t + i++)) return 0 ;
    if (i >= n || t[i].type == '@') break ;
    if (t[i].type != '.') return (errno = EINVAL, 0) ;
    if (!stralloc_catb(sa, ".", 1)) return 0 ;
    i++ ;
  }
  if (i < n)
  {
    if (!stralloc_catb(sa, "@", 1)) return 0 ;
    if (++i >= n) return (errno = EINVAL, 0) ;
    if (t[i].type == TOK_LITERAL)
    {
      if (i + 1 != n) return (errno = EINVAL, 0) ;
      return cat_tok(sa, s, t + i) && stralloc_0(sa) ;
    }
    for (;;)
    {
      if (i >= n || t[i].type != TOK_ATOM) return (errno = EINVAL, 0) ;
      if (!cat_tok(sa, s, t + i++)) return 0 ;
      if (i >= n) break ;
      if (t[i].type != '.') return (errno = EINVAL, 0) ;
      if (!stralloc_catb(sa, ".", 1)) return 0 ;
      i++ ;
    }
  }
  return stralloc_0(sa) ;
}

/* One mailbox: [phrase] "<" [route ":"] [addr-spec] ">", or a bare addr-spec. Empty: nothing. */
static int cat_mailbox (stralloc *sa, char const *s, tok const *t, size_t n, unsigned int *count)
{
  size_t lt, gt, i ;
  if (!n) return 1 ;
  for (lt = 0 ; lt < n && t[lt].type != '<' ; lt++) ;
  if (lt == n)
  {
    if (!cat_addrspec(sa, s, t, n)) return 0 ;
    (*count)++ ;
    return 1 ;
  }
  for (i = 0 ; i < lt ; i++)
    if (!is_word(t + i) && t[i].type != '.') return (errno = EINVAL, 0) ;
  for (gt = lt + 1 ; gt < n && t[gt].type != '>' ; gt++) ;
  if (gt + 1 != n) return (errno = EINVAL, 0) ;   /* no '>', or something after it */
  i = gt ;
  while (i > lt + 1 && t[i-1].type != ':') i-- ;
  if (i > lt + 1 && t[lt+1].type != '@') return (errno = EINVAL, 0) ;   /* a route is @a,@b: */
  if (i == gt) { if (!stralloc_0(sa)) return 0 ; }   /* <> */
  else if (!cat_addrspec(sa, s, t + i, gt - i)) return 0 ;
  (*count)++ ;
  return 1 ;
}

static int walk (stralloc *sa, char const *s, tok const *t, size_t n, unsigned int *count)
{
  size_t start = 0, i ;
  int angle = 0, group = 0 ;
  if (!n) return 1 ;   /* no token: no address (and t may be null) */
  for (i = 0 ; i <= n ; i++)
  {
    char type = i < n ? t[i].type : 0 ;
    if (angle)
    {
      if (type == '>') angle = 0 ;
      else if (type == '<') return (errno = EINVAL, 0) ;
      else if (!type) return (errno = EINVAL, 0) ;
      continue ;
    }
    switch (type)
    {
      case '<' : angle = 1 ; break ;
      case '>' : return (errno = EINVAL, 0) ;
      case ':' :
        if (group) return (errno = EINVAL, 0) ;
        for (size_t j = start ; j < i ; j++)
          if (!is_word(t + j) && t[j].type != '.') return (errno = EINVAL, 0) ;
        group = 1 ; start = i + 1 ;
        break ;
      case ';' :
        if (!group) return (errno = EINVAL, 0) ;
        group = 0 ;
        /* fall through */
      case ',' :
      case 0 :
        if (!cat_mailbox(sa, s, t + start, i - start, count)) return 0 ;
        start = i + 1 ;
        break ;
      default : break ;
    }
  }
  return 1 ;   /* an unterminated group at the end is tolerated */
}

int rfc5322_addrlist (stralloc *sa, char const *s, size_t len)
{
  genalloc g = GENALLOC_ZERO ;
  size_t sabase = sa->len ;
  unsigned int count = 0 ;
  int e ;
  if (!tokenise(&g, s, len)
   || !walk(sa, s, genalloc_s(tok, &g), genalloc_len(tok, &g), &count)) goto err ;
  genalloc_free(tok, &g) ;
  return (int)count ;
 err:
  e = errno ;
  genalloc_free(tok, &g) ;
  sa->len = sabase ;
  errno = e ;
  return -1 ;
}
