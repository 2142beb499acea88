/* ISC license. */
/* Every fixed reply berth-smtpd sends: code, RFC 3463 enhanced status code, text.
   qmail's texts are kept where admins know them. */
#ifndef BERTH_SMTPD_REPLIES_H
#define BERTH_SMTPD_REPLIES_H

#define RP_GREETING "220 "
#define RP_GREETING_END " ESMTP"
#define RP_HELLO "250 "
#define RP_HELLO_MORE "250-"
#define RP_RSET "250 2.0.0 flushed"
#define RP_NOOP "250 2.0.0 ok"
#define RP_MAIL_OK "250 2.1.0 ok"
#define RP_RCPT_OK "250 2.1.5 ok"
#define RP_VRFY "252 2.5.2 send some mail, I'll try my best"
#define RP_HELP "214 2.0.0 see RFC 5321: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP"
#define RP_DATA_GO "354 2.0.0 go ahead, end with <CRLF>.<CRLF>"
#define RP_QUIT_PREFIX "221 2.0.0 "

#define RP_TIMEOUT "421 4.4.2 timeout, closing connection (#4.4.2)"
#define RP_SESSION_TIME "421 4.4.2 session time limit reached, closing connection (#4.4.2)"
#define RP_TOO_MANY_ERRORS "421 4.7.0 too many errors, closing connection (#4.7.0)"
#define RP_BARE_LF "451 4.6.0 bare LF or bare CR in DATA refused, see RFC 5321 2.3.8 (#4.6.0)"
#define RP_TEMP_CONFIG "421 4.3.0 unable to read configuration (#4.3.0)"
#define RP_QQ_START "451 4.3.0 qq unable to start (#4.3.0)"
#define RP_TOO_MANY_RCPTS "452 4.5.3 too many recipients (#4.5.3)"
#define RP_NOMEM "451 4.3.0 out of memory (#4.3.0)"

#define RP_UNKNOWN "500 5.5.1 unrecognized command (#5.5.1)"
#define RP_LINE_TOO_LONG "500 5.5.2 line too long (#5.5.2)"
#define RP_GARBAGE "500 5.5.2 syntax error, NUL in command (#5.5.2)"
#define RP_TEXT_TOO_LONG "500 5.5.2 message refused: text line longer than 1000 bytes (#5.5.2)"
#define RP_HELO_ARG "501 5.5.4 HELO/EHLO needs a domain (#5.5.4)"
#define RP_NO_ARG "501 5.5.4 no arguments allowed (#5.5.4)"
#define RP_MAIL_SYNTAX "501 5.5.4 syntax: MAIL FROM:<address> (#5.5.4)"
#define RP_RCPT_SYNTAX "501 5.5.4 syntax: RCPT TO:<address> (#5.5.4)"
#define RP_SENDER_SYNTAX "501 5.1.7 bad sender address syntax (#5.1.7)"
#define RP_RCPT_ADDR_SYNTAX "501 5.1.3 bad recipient address syntax (#5.1.3)"
#define RP_PARAM_SYNTAX "501 5.5.4 invalid parameter syntax (#5.5.4)"
#define RP_ADDR_TOO_LONG "501 5.1.3 address too long (#5.1.3)"
#define RP_NEED_HELO "503 5.5.1 send HELO or EHLO first (#5.5.1)"
#define RP_NESTED_MAIL "503 5.5.1 nested MAIL command (#5.5.1)"
#define RP_NEED_MAIL "503 5.5.1 MAIL first (#5.5.1)"
#define RP_NEED_RCPT "503 5.5.1 RCPT first (#5.5.1)"
#define RP_NO_VALID_RCPT "554 5.5.1 no valid recipients (#5.5.1)"
#define RP_SIZE "552 5.3.4 sorry, that message size exceeds my databytes limit (#5.3.4)"
#define RP_BADMAILFROM "553 5.7.1 sorry, your envelope sender is in my badmailfrom list (#5.7.1)"
#define RP_RCPTHOSTS "553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"
#define RP_ROUTING "553 5.7.1 sorry, %, ! and quoted @ in local parts are only for relay clients (#5.7.1)"
#define RP_NEED_UTF8 "553 5.6.7 non-ASCII address needs SMTPUTF8 (#5.6.7)"
#define RP_NEED_DOMAIN "553 5.1.3 address must be fully qualified (#5.1.3)"
#define RP_LOOP "554 5.4.6 too many hops, this message is looping (#5.4.6)"
#define RP_PARAM_UNKNOWN "555 5.5.4 unknown or unsupported parameter (#5.5.4)"


/* Reply codes built at run time from berth-queue's exit code. */
#define RP_QQ_OK "250 2.0.0 ok queued as "
#define RP_QQ_PERM "554"
#define RP_QQ_TEMP "451"
#define RP_QQ_PERM_ESC "5.3.0"
#define RP_QQ_TEMP_ESC "4.3.0"

#endif
