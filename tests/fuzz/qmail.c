/* ISC license. */
/* libFuzzer target: .qmail files, split into lines and classified as berth-local does
   (qmail_line). Checks: the argument lies inside its line, a file line keeps its first byte and
   has no trailing blank, a Maildir ends in '/', an mbox does not, a program line starts with '|'. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/berth-local/local.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char *cmds = malloc(size + 1) ;
  size_t len = size ;
  if (!cmds) return 0 ;
  memcpy(cmds, data, size) ;
  if (!len || cmds[len - 1] != '\n') cmds[len++] = '\n' ;   /* berth-local adds a last newline */
  for (size_t i = 0, j = 0 ; j < len ; j++)
  {
    char *arg ;
    unsigned int kind ;
    size_t alen ;
    if (cmds[j] != '\n') continue ;
    kind = local_qmail_line(cmds + i, j - i, &arg) ;
    if (arg < cmds + i || arg > cmds + j) abort() ;
    alen = strlen(arg) ;
    if (arg + alen > cmds + j) abort() ;
    switch (kind)
    {
      case QML_BLANK : if (cmds[i]) abort() ; break ;
      case QML_COMMENT : if (cmds[i] != '#') abort() ; break ;
      case QML_MBOX :
      case QML_MAILDIR :
      {
        size_t k = j - i ;   /* the line's length once its trailing blanks are gone */
        while (k && (data[i + k - 1] == ' ' || data[i + k - 1] == '\t')) k-- ;
        if (arg != cmds + i || (*arg != '.' && *arg != '/') || !k) abort() ;
        for (size_t m = i + k ; m < j ; m++) if (cmds[m]) abort() ;
        if ((kind == QML_MAILDIR) != (data[i + k - 1] == '/')) abort() ;
        break ;
      }
      case QML_PROG : if (arg != cmds + i + 1 || cmds[i] != '|') abort() ; break ;
      case QML_LIST : if (strcmp(cmds + i, "+list")) abort() ; break ;
      case QML_IGNORE : if (cmds[i] != '+') abort() ; break ;
      case QML_FORWARD : if (arg != cmds + i + (cmds[i] == '&')) abort() ; break ;
      default : abort() ;
    }
    i = j + 1 ;
  }
  free(cmds) ;
  return 0 ;
}
