#!/usr/bin/python3
"""A stand-in for the SMS gateway, the mail server and a duty-room webhook, for the demo.

pingand's escalation sends e-mail over SMTP, SMS through an HTTP gateway and JSON
webhooks. In the demo they all go to this process, which accepts everything and writes
one readable line per message (decoded subject and text) to stdout, so that the
escalation chain can be watched with `tail -f pingan-demo/messages.log`.

Usage: message_sink.py --smtp-port 2525 --http-port 2526
"""
import argparse
import email
import email.policy
import http.server
import json
import sys
import threading
import time

from aiosmtpd.controller import Controller


_print_lock = threading.Lock()


def say(channel, to, text):
    stamp = time.strftime("%H:%M:%S")
    with _print_lock:  # the HTTP server answers on several threads at once
        print(f"{stamp} [{channel}] -> {to}: {text}", flush=True)


class MailHandler:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        first_line = (body.get_content() if body else "").strip().splitlines()[:1]
        say("email", ", ".join(envelope.rcpt_tos),
            f"{message['subject']} | {first_line[0] if first_line else ''}")
        return "250 OK"


class GatewayHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length).decode("utf-8", "replace")
        try:
            data = json.loads(raw)
        except ValueError:
            data = {"raw": raw}
        if self.path.startswith("/sms"):
            say("sms", data.get("to", "?"), data.get("text", raw))
            answer = {"code": "0"}
        else:
            say("webhook", self.path, json.dumps(data, ensure_ascii=False)[:300])
            answer = {"ok": True}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):  # one line per message is enough
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, default=2525)
    parser.add_argument("--http-port", type=int, default=2526)
    args = parser.parse_args()
    smtp = Controller(MailHandler(), hostname="127.0.0.1", port=args.smtp_port)
    smtp.start()
    web = http.server.ThreadingHTTPServer(("127.0.0.1", args.http_port), GatewayHandler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    print(f"message sink: smtp 127.0.0.1:{args.smtp_port}, http 127.0.0.1:{args.http_port}",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        smtp.stop()
        web.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
