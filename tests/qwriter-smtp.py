# tests/qwriter.t's SMTP client: one session, MAIL, the recipients, DATA with the body from a
# file; prints the DATA reply's code and text, or the RCPT/DATA refusal. Usage: PORT BODYFILE RCPT...
import smtplib, sys
port, body, rcpts = int(sys.argv[1]), open(sys.argv[2], "rb").read(), sys.argv[3:]
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
s.ehlo("client.example")
s.mail("sender@example.org")
for r in rcpts:
    code, msg = s.rcpt(r)
    if code != 250:
        print(code, msg.decode()); sys.exit(0)
code, msg = s.data(body)
print(code, msg.decode())
s.quit()
