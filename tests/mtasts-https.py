#!/usr/bin/python3
# HTTPS policy server for tests/mtasts.t: serves DIR/HOST.txt (HOST from the Host header) as
# /.well-known/mta-sts.txt, text/plain; anything else 404. One line "GET HOST" per request in
# DIR/log. mtasts-https.py IP PORT CERT KEY DIR (exits after 120 s)
import http.server, os, ssl, sys, threading

ip, port, cert, key, root = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        with open(os.path.join(root, "log"), "a") as f:
            f.write("GET %s %s\n" % (host, self.path))
        fn = os.path.join(root, host + ".txt")
        if self.path != "/.well-known/mta-sts.txt" or "/" in host or not os.path.exists(fn):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            return
        body = open(fn, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = http.server.ThreadingHTTPServer((ip, port), H)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
threading.Timer(120, srv.shutdown).start()
srv.serve_forever()
