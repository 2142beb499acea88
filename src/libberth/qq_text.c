/* ISC license. */

#include <berth/qq.h>

struct qqtext_s { int code ; char const *text ; } ;

static struct qqtext_s const table[] =
{
  { QQ_ADDR_TOO_LONG, "Denvelope address too long for qq (#5.1.3)" },
  { QQ_PERM_REFUSED, "Dmail server permanently rejected message (#5.3.0)" },
  { QQ_NOMEM, "Zqq out of memory (#4.3.0)" },
  { QQ_TIMEOUT, "Zqq timeout (#4.3.0)" },
  { QQ_WRITE, "Zqq write error or disk full (#4.3.0)" },
  { QQ_READ, "Zqq read error (#4.3.0)" },
  { QQ_CONFIG, "Zqq unable to read configuration (#4.3.0)" },
  { QQ_NETWORK, "Zqq trouble making network connection (#4.3.0)" },
  { QQ_HOME, "Zqq trouble in home directory (#4.3.0)" },
  { QQ_QUEUE, "Zqq trouble creating files in queue (#4.3.0)" },
  { QQ_PID, "Zqq trouble creating files in queue (#4.3.0)" },
  { QQ_MESS, "Zqq trouble creating files in queue (#4.3.0)" },
  { QQ_INTD, "Zqq trouble creating files in queue (#4.3.0)" },
  { QQ_TODO, "Zqq trouble creating files in queue (#4.3.0)" },
  { QQ_TEMP_REFUSED, "Zmail server temporarily rejected message (#4.3.0)" },
  { QQ_CONN_TIMEOUT, "Zconnection to mail server timed out (#4.4.1)" },
  { QQ_CONN_REJECTED, "Zconnection to mail server rejected (#4.4.1)" },
  { QQ_CONN_FAILED, "Zcommunication with mail server failed (#4.4.2)" },
  { QQ_BUG, "Zqq internal bug (#4.3.0)" },
  { QQ_ENVELOPE, "Zqq internal bug (#4.3.0)" },
  { QQ_EXEC_FAILED, "Zunable to run qq (#4.3.0)" },
  { -1, 0 }
} ;

char const *qq_text (int code)
{
  struct qqtext_s const *p = table ;
  for (; p->text ; p++) if (p->code == code) return p->text ;
  if (code >= 11 && code <= 40) return "Dqq permanent problem (#5.3.0)" ;
  return "Zqq temporary problem (#4.3.0)" ;
}

int qq_custom_ok (char const *s, size_t len)
{
  return len >= 2 && (s[0] == 'D' || s[0] == 'Z') ;
}
