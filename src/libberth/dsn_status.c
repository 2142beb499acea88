/* ISC license. */

#include <string.h>
#include <berth/dsn.h>

#define SUBJECT_DIGITS_MAX 3

static int isdigit_ (char c) { return c >= '0' && c <= '9' ; }
static int isclass (char c) { return c == '2' || c == '4' || c == '5' ; }

/* "c.sss.ddd" at s[i]: its length, or 0. */
static size_t code_at (char const *s, size_t len, size_t i)
{
  size_t j = i, n ;
  if (j >= len || !isclass(s[j])) return 0 ;
  j++ ;
  for (unsigned int part = 0 ; part < 2 ; part++)
  {
    if (j >= len || s[j] != '.') return 0 ;
    j++ ;
    for (n = 0 ; j < len && isdigit_(s[j]) ; j++, n++) ;
    if (!n || n > SUBJECT_DIGITS_MAX) return 0 ;
  }
  if (j < len && s[j] == '.' && j + 1 < len && isdigit_(s[j+1])) return 0 ;
  return j - i ;
}

static int put (char *out, char const *s, size_t n)
{
  if (s[0] == '2') return 0 ;   /* a success code says nothing about a failure */
  memcpy(out, s, n) ;
  out[0] = DSN_CLASS_PERMANENT ;
  out[n] = 0 ;
  return 1 ;
}

int dsn_status (char *out, char const *text, size_t len)
{
  size_t i, n ;
  for (i = 0 ; i + 1 < len ; i++)
    if (text[i] == '#' && (n = code_at(text, len, i + 1)) && put(out, text + i + 1, n)) return 1 ;
  for (i = 0 ; i + 4 < len ; i++)
  {
    if (i && (isdigit_(text[i-1]) || text[i-1] == '.')) continue ;
    if (!isclass(text[i]) || !isdigit_(text[i+1]) || !isdigit_(text[i+2])) continue ;
    if (text[i+3] != ' ' && text[i+3] != '-') continue ;
    if ((n = code_at(text, len, i + 4)) && put(out, text + i + 4, n)) return 1 ;
  }
  memcpy(out, DSN_STATUS_DEFAULT, sizeof(DSN_STATUS_DEFAULT)) ;
  return 0 ;
}
