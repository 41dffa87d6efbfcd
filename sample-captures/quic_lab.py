"""An HTTP/3 server and client (aioquic) on 127.0.0.1 for sample-captures/make.sh's `quic` lab.

usage: quic_lab.py CERT KEY KEYLOG [chacha]

Two connections: one to UDP port 443 (QUIC by port) fetching two pages, one to port 4433 (QUIC found by
heuristics) whose server first answers with a Retry. With `chacha`, one connection to port 443 protected
with ChaCha20-Poly1305 instead: a page of 6000 bytes (its HTTP/3 DATA frame spans several STREAM frames),
then a key update, then a page under the new keys. The client writes its TLS secrets to KEYLOG. Every
step is bounded by a timeout.
"""
import asyncio
import sys

from aioquic.asyncio import connect, serve
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.events import QuicEvent
from aioquic.tls import CipherSuite

PAGES = {
    b"/lecture.html": b"<html><head><title>Lecture 9</title></head><body><p>QUIC, decrypted.</p></body></html>\n",
    b"/notes.txt": b"Initial packets are protected with keys from the client's Destination Connection ID.\n",
    b"/long.txt": b"".join(b"line %04d of a page longer than a QUIC packet\n" % i for i in range(130)),
}


class Server(QuicConnectionProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.h3 = H3Connection(self._quic)

    def quic_event_received(self, event: QuicEvent) -> None:
        for ev in self.h3.handle_event(event):
            if isinstance(ev, HeadersReceived):
                path = dict(ev.headers).get(b":path", b"/")
                body = PAGES.get(path)
                status = b"200" if body is not None else b"404"
                body = body if body is not None else b"not found\n"
                self.h3.send_headers(ev.stream_id, [(b":status", status), (b"server", b"wirelens-lab"),
                                                    (b"content-type", b"text/html"),
                                                    (b"content-length", str(len(body)).encode())])
                self.h3.send_data(ev.stream_id, body, end_stream=True)
                self.transmit()


class Client(QuicConnectionProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.h3 = H3Connection(self._quic)
        self.waiting = {}

    def quic_event_received(self, event: QuicEvent) -> None:
        for ev in self.h3.handle_event(event):
            if isinstance(ev, (HeadersReceived, DataReceived)) and ev.stream_ended:
                fut = self.waiting.pop(ev.stream_id, None)
                if fut and not fut.done():
                    fut.set_result(None)

    async def get(self, port: int, path: bytes) -> None:
        sid = self._quic.get_next_available_stream_id()
        self.h3.send_headers(sid, [(b":method", b"GET"), (b":scheme", b"https"),
                                   (b":authority", f"lab.test:{port}".encode()), (b":path", path),
                                   (b"user-agent", b"aioquic-lab")], end_stream=True)
        self.waiting[sid] = asyncio.get_running_loop().create_future()
        self.transmit()
        await asyncio.wait_for(self.waiting[sid], 5)


async def session(port: int, retry: bool, paths, cert: str, key: str, keylog, suites=None) -> None:
    server_cfg = QuicConfiguration(is_client=False, alpn_protocols=H3_ALPN, cipher_suites=suites)
    server_cfg.load_cert_chain(cert, key)
    server = await serve("127.0.0.1", port, configuration=server_cfg, create_protocol=Server, retry=retry)
    try:
        client_cfg = QuicConfiguration(is_client=True, alpn_protocols=H3_ALPN, server_name="lab.test",
                                       verify_mode=0, secrets_log_file=keylog, cipher_suites=suites)
        async with connect("127.0.0.1", port, configuration=client_cfg, create_protocol=Client) as c:
            for p in paths:
                if p is None:
                    c._quic.request_key_update()
                    continue
                await c.get(port, p)
            c.close()
            await asyncio.wait_for(c.wait_closed(), 5)
    finally:
        server.close()


async def main() -> None:
    cert, key, keylog_path = sys.argv[1:4]
    with open(keylog_path, "a") as keylog:
        if sys.argv[4:] == ["chacha"]:
            # None: the client updates its keys (RFC 9001 6) before the next request.
            paths = [b"/long.txt", None, b"/notes.txt"]
            await asyncio.wait_for(session(443, False, paths, cert, key, keylog,
                                           [CipherSuite.CHACHA20_POLY1305_SHA256]), 15)
            return
        await asyncio.wait_for(session(443, False, [b"/lecture.html", b"/notes.txt"], cert, key, keylog), 15)
        await asyncio.wait_for(session(4433, True, [b"/missing"], cert, key, keylog), 15)


asyncio.run(main())
