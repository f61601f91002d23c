#!/usr/bin/env python3
"""SMTP sink for pingan's notify tests (aiosmtpd, loopback only).

Accepts mail on 127.0.0.1:PORT and writes every message to OUT_DIR/msg-N.json with the
envelope, the raw header lines and the headers and body as Python's email package
decodes them, so the C++ test checks our MIME against an independent parser.
Recipients whose local part starts with "reject" get 550, "busy" get 451.
With --user/--password, AUTH is required (allowed without TLS: loopback test only).
Stops on SIGTERM.
"""
import argparse
import email
import email.policy
import json
import logging
import os
import signal
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Handler:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("busy"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "raw_header_lines": head.split("\r\n"),
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "date": str(msg["date"]),
            "message_id": str(msg["message-id"]),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "cte": str(msg["content-transfer-encoding"]),
            "body": msg.get_content(),
            "defects": [str(d) for d in msg.defects]
            + [str(d) for h in msg.values() for d in getattr(h, "defects", [])],
        }
        self.count += 1
        tmp = os.path.join(self.out_dir, ".msg-%d.json" % self.count)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(self.out_dir, "msg-%d.json" % self.count))
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    # Plain-text AUTH on loopback is the point of the test: keep its warnings quiet.
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)

    kwargs = {}
    if args.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == args.user
                  and auth_data.password.decode() == args.password)
            return AuthResult(success=ok, handled=False)  # let aiosmtpd answer 535
        kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)

    controller = Controller(Handler(args.out), hostname="127.0.0.1", port=args.port, **kwargs)
    controller.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            signal.pause()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
