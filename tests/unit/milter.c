/* ISC license. */
/* Table-driven tests of milter_reply_scan: which milter replies are well-formed. */

#include <string.h>
#include <berth/milter.h>
#include "tap.h"

struct rcase { char const *name ; char cmd ; char const *s ; size_t len ; int ok ; } ;
#define C(name, cmd, lit, ok) { name, cmd, lit, sizeof(lit) - 1, ok }

static struct rcase const cases[] =
{
  C("accept, no data", SMFIR_ACCEPT, "", 1),
  C("accept with data", SMFIR_ACCEPT, "x", 0),
  C("continue", SMFIR_CONTINUE, "", 1),
  C("unknown code", 'Z', "", 0),
  C("reply code 550 with text", SMFIR_REPLYCODE, "550 5.7.1 go away\0", 1),
  C("reply code 451 alone", SMFIR_REPLYCODE, "451\0", 1),
  C("reply code 250: not a refusal", SMFIR_REPLYCODE, "250 ok\0", 0),
  C("reply code without its NUL", SMFIR_REPLYCODE, "550 no", 0),
  C("reply code with bytes after its NUL", SMFIR_REPLYCODE, "550 no\0x", 0),
  C("reply code, a letter in the code", SMFIR_REPLYCODE, "5x0 no\0", 0),
  C("reply code, a control byte", SMFIR_REPLYCODE, "550 a\001b\0", 0),
  C("multi-line reply", SMFIR_REPLYCODE, "550-5.7.1 a\r\n550 5.7.1 b\0", 1),
  C("add header", SMFIR_ADDHEADER, "X-A\0value\0", 1),
  C("add header, empty value", SMFIR_ADDHEADER, "X-A\0\0", 1),
  C("add header, folded value", SMFIR_ADDHEADER, "X-A\0a\r\n\tb\nc\0", 0),
  C("add header, LF fold", SMFIR_ADDHEADER, "X-A\0a\n b\0", 1),
  C("add header, CRLF fold", SMFIR_ADDHEADER, "X-A\0a\r\n b\0", 1),
  C("add header, a new line in the value", SMFIR_ADDHEADER, "X-A\0a\nInjected: 1\0", 0),
  C("add header, value ends in LF", SMFIR_ADDHEADER, "X-A\0a\n\0", 0),
  C("add header, bare CR", SMFIR_ADDHEADER, "X-A\0a\rb\0", 0),
  C("add header, colon in the name", SMFIR_ADDHEADER, "X:A\0v\0", 0),
  C("add header, space in the name", SMFIR_ADDHEADER, "X A\0v\0", 0),
  C("add header, empty name", SMFIR_ADDHEADER, "\0v\0", 0),
  C("add header, no value", SMFIR_ADDHEADER, "X-A\0", 0),
  C("insert header", SMFIR_INSHEADER, "\0\0\0\1X-A\0v\0", 1),
  C("insert header, short index", SMFIR_INSHEADER, "\0\0\1", 0),
  C("change header", SMFIR_CHGHEADER, "\0\0\0\1Subject\0\0", 1),
  C("add recipient", SMFIR_ADDRCPT, "<a@b>\0", 1),
  C("add recipient, empty", SMFIR_ADDRCPT, "\0", 0),
  C("add recipient, a newline", SMFIR_ADDRCPT, "<a@b>\n\0", 0),
  C("add recipient with parameters", SMFIR_ADDRCPT_PAR, "<a@b>\0NOTIFY=NEVER\0", 1),
  C("add recipient with parameters, none", SMFIR_ADDRCPT_PAR, "<a@b>\0", 1),
  C("change sender to <>", SMFIR_CHGFROM, "<>\0", 1),
  C("change sender, garbage after", SMFIR_CHGFROM, "<a@b>\0x", 0),
  C("delete recipient", SMFIR_DELRCPT, "<a@b>\0", 1),
  C("quarantine", SMFIR_QUARANTINE, "why\0", 1),
  C("replace body, any bytes", SMFIR_REPLBODY, "a\0b\r\n", 1),
  C("option negotiation", SMFIR_OPTNEG, "\0\0\0\6\0\0\1\377\0\0\0\0", 1),
  C("option negotiation, short", SMFIR_OPTNEG, "\0\0\0\6", 0),
} ;

int main (void)
{
  size_t i = 0, n = sizeof cases / sizeof *cases ;
  milter_reply r ;
  TAP_PLAN(n + 4) ;
  for (; i < n ; i++)
    TAP_OK(milter_reply_scan(cases[i].cmd, cases[i].s, cases[i].len, &r) == cases[i].ok, "%s", cases[i].name) ;
  milter_reply_scan(SMFIR_INSHEADER, "\0\0\1\2X-A\0val\0", 12, &r) ;
  TAP_OK(r.index == 258 && r.alen == 3 && !memcmp(r.a, "X-A", 3) && r.blen == 3 && !memcmp(r.b, "val", 3), "insert header: index, name and value") ;
  milter_reply_scan(SMFIR_OPTNEG, "\0\0\0\6\0\0\1\377\0\20\0\0", 12, &r) ;
  TAP_OK(r.version == 6 && r.actions == 0x1ff && r.protocol == SMFIP_HDR_LEADSPC, "option negotiation: version, actions, protocol") ;
  milter_reply_scan(SMFIR_ADDRCPT_PAR, "<a@b>\0X=1\0", 10, &r) ;
  TAP_OK(r.alen == 5 && r.blen == 3, "add recipient with parameters: both strings") ;
  milter_reply_scan(SMFIR_REPLYCODE, "550 x\0", 6, &r) ;
  TAP_OK(r.alen == 5 && !memcmp(r.a, "550 x", 5), "reply code: the line without its NUL") ;
  return TAP_DONE() ;
}
