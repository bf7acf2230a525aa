"""A CRM stand-in that receives the service's webhooks over real HTTP and checks them."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "webhook-test-secret"


class Receiver:
    """A CRM stand-in on 127.0.0.1: verifies each request and answers the next status."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-Normkraft-Timestamp"]
                expected = "sha256=" + hmac.new(SECRET.encode(), timestamp.encode() + b"." + body,
                                                hashlib.sha256).hexdigest()
                receiver.requests.append({
                    "headers": dict(self.headers), "body": json.loads(body),
                    "verified": hmac.compare_digest(expected,
                                                    self.headers["X-Normkraft-Signature"]),
                    "fresh": abs(time.time() - int(timestamp)) < 300,
                })
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/crm/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
