/* ISC license. */
/* One line of a .qmail file, as qmail-local reads it: what it asks for and its argument.
   Trust: the file is the user's own (berth-local runs as the user); nothing is read or written
   outside the line and the byte after it. */

#include <string.h>
#include "local.h"

#define LIST_KEYWORD "list"

unsigned int local_qmail_line (char *s, size_t len, char **arg)
{
  size_t k = len ;
  s[len] = 0 ;
  while (k && (s[k-1] == ' ' || s[k-1] == '\t')) s[--k] = 0 ;
  *arg = s ;
  switch (s[0])
  {
    case 0 : return QML_BLANK ;
    case '#' : return QML_COMMENT ;
    case '.' :
    case '/' : return s[k-1] == '/' ? QML_MAILDIR : QML_MBOX ;
    case '|' : *arg = s + 1 ; return QML_PROG ;
    case '+' : return strcmp(s + 1, LIST_KEYWORD) ? QML_IGNORE : QML_LIST ;
    case '&' : *arg = s + 1 ; return QML_FORWARD ;
    default : return QML_FORWARD ;
  }
}
