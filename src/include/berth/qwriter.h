/* ISC license. */
/* berth-qwriter's protocol (doc/berth-qwriter.md): berth-smtpd's queue entry, over a Unix stream
   socket, one connection per SMTP session, any number of messages on it. For each message:
   1. client: one byte QW_START, carrying the read end of a pipe (SCM_RIGHTS);
   2. writer: one byte, 0 when the message file is made (its Received line written), else a
      qmail-queue exit code (qq.h) and nothing made;
   3. client: the message into the pipe, then closes it; then the envelope on the socket, as
      qmail-queue reads it on fd 1 (F sender, T recipients, final NUL), and nothing after it;
   4. writer: the reply: the exit code (one byte), the text's length (one byte), the text: the
      queue id after 0, the D/Z text after QQ_CUSTOM (an envelope over a limit), else empty.
   After a message not committed (refused, failed, or withdrawn by the client, which closes the
   connection for that) the connection ends: the client opens a new one for its next message. Trust: the writer takes every byte as untrusted (any peer it lets in is
   treated as a caller of berth-queue with that uid); the client trusts the writer as it trusts
   berth-queue. */
#ifndef BERTH_QWRITER_H
#define BERTH_QWRITER_H

#define QW_START 'S'
#define QW_TEXT_MAX 255   /* the reply's text: its length is one byte */
#define QW_ENV "BERTH_QWRITER"   /* berth-smtpd: the writer's socket */

#endif
