#!/usr/bin/env python3
"""HTTP/2 floods and malformed frames against a server, each case on a fresh connection.

Usage: h2_attacks.py HOST PORT [CASE...]

Needs python3 and the `h2` library only (Debian python3-h2, which brings hyperframe and hpack). The server must
speak h2c with prior knowledge and have Switchboard's default limits (docs/http2.md): the floods send more than
those budgets allow and expect GOAWAY ENHANCE_YOUR_CALM and a close; the malformed sequences expect the exact
RST_STREAM or GOAWAY code RFC 9113 requires. One line per case, `ok NAME` or `FAIL NAME: expected X got Y`; the
exit status is 1 when any case failed.

Frames are built here byte by byte (the h2 state machine would refuse to send most of them); hyperframe parses the
server's frames and hpack decodes its header blocks. Only the two baseline cases use h2's connection object.
"""

import select
import socket
import struct
import sys

import h2.config
import h2.connection
import h2.events
import hpack
from hyperframe.frame import (DataFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame, RstStreamFrame,
                              SettingsFrame)

PREFACE = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM = ACK = 0x1
END_HEADERS = 0x4
PADDED = 0x8
PRIORITY_FLAG = 0x20
ERRORS = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
          'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
          'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED']
NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, STREAM_CLOSED, FRAME_SIZE_ERROR, \
    REFUSED_STREAM, CANCEL, COMPRESSION_ERROR, CONNECT_ERROR, ENHANCE_YOUR_CALM = range(12)
# SETTINGS identifiers
ENABLE_PUSH, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE = 0x2, 0x4, 0x5

# Switchboard's defaults (Http2Limits.DEFAULTS, Http2Config.DEFAULTS): every flood sends past them.
MAX_RESETS = 200
MAX_PINGS = 50
MAX_SETTINGS = 50
MAX_EMPTY_FRAMES = 100
MAX_USELESS_WINDOW_UPDATES = 200
MAX_CONCURRENT_STREAMS = 100
MAX_CONTINUATIONS = 8
MAX_FRAME = 16384
LARGE_JSON_BYTES = 65536  # the http example's /json64k

TIMEOUT = 10.0  # seconds any one answer may take; a bound, not a timing


def error_name(code):
    return ERRORS[code] if 0 <= code < len(ERRORS) else hex(code)


def frame(kind, flags, stream, payload=b''):
    """One frame, whatever it says: length, type, flags, stream id (the reserved bit included), payload."""
    return struct.pack('>I', len(payload))[1:] + bytes([kind, flags]) + struct.pack('>I', stream) + payload


def settings(*pairs):
    return frame(SETTINGS, 0, 0, b''.join(struct.pack('>HI', k, v) for k, v in pairs))


def window_update(stream, increment):
    return frame(WINDOW_UPDATE, 0, stream, struct.pack('>I', increment))


def rst(stream, code):
    return frame(RST_STREAM, 0, stream, struct.pack('>I', code))


def ping(payload=b'12345678', flags=0):
    return frame(PING, flags, 0, payload)


def integer(value, prefix_bits, first):
    """An HPACK integer (RFC 7541 section 5.1) whose first byte starts with the bits of {first}."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first | value])
    out = bytearray([first | limit])
    value -= limit
    while value >= 128:
        out.append(value % 128 + 128)
        value //= 128
    out.append(value)
    return bytes(out)


def block(fields):
    """A header block of literal fields without indexing, names and values as given (no lowercasing, no checks)."""
    out = bytearray()
    for name, value in fields:
        name, value = name.encode('latin-1'), value.encode('latin-1')
        out += b'\x00' + integer(len(name), 7, 0) + name + integer(len(value), 7, 0) + value
    return bytes(out)


def request(path='/plaintext', method='GET', extra=(), pseudo=None):
    fields = pseudo if pseudo is not None else [(':method', method), (':scheme', 'http'), (':path', path),
                                               (':authority', '127.0.0.1')]
    return block(list(fields) + list(extra))


def headers(stream, fields_block, end_stream=True, end_headers=True):
    return frame(HEADERS, (END_STREAM if end_stream else 0) | (END_HEADERS if end_headers else 0), stream,
                 fields_block)


def open_upload(stream):
    """A POST /echo whose body has not come: the stream stays open on the server, waiting."""
    return headers(stream, request('/echo', 'POST'), end_stream=False)


class Closed(Exception):
    pass


class Conn:
    """A client connection that speaks raw frames: it sends bytes as given and parses what the server sends."""

    def __init__(self, host, port, handshake=True, client_settings=b'', receive_buffer=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:  # before connecting, so that the window the kernel offers stays that small
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, receive_buffer)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b''
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = 1 << 20
        for at in range(0, len(client_settings), 6):  # the table the server may use is the one we advertise
            key, value = struct.unpack('>HI', client_settings[at:at + 6])
            if key == 0x1:
                self.decoder.max_allowed_table_size = value
        self.counts = {}
        self.broken = False
        if handshake:
            self.send(PREFACE + frame(SETTINGS, 0, 0, client_settings))
            while True:
                f = self.read_frame()
                if f is None:
                    raise Closed('closed during the handshake')
                if isinstance(f, SettingsFrame) and 'ACK' not in f.flags:
                    self.send(frame(SETTINGS, ACK, 0))
                    break

    def close(self):
        self.sock.close()

    def send(self, data):
        """Sends all of {data}; a server that closed in the middle is noted, not raised (floods expect it)."""
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            self.broken = True

    def _fill(self, n):
        while len(self.buf) < n:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b''
            if not chunk:
                return False
            self.buf += chunk
        return True

    def read_frame(self):
        """The next frame from the server, its header block decoded into .fields; None once it closed."""
        if not self._fill(9):
            return None
        f, length = Frame.parse_frame_header(memoryview(self.buf[:9]))
        if not self._fill(9 + length):
            return None
        f.parse_body(memoryview(self.buf[9:9 + length]))
        self.buf = self.buf[9 + length:]
        name = type(f).__name__
        self.counts[name] = self.counts.get(name, 0) + 1
        if isinstance(f, HeadersFrame):
            f.fields = dict(self.decoder.decode(f.data, raw=False))
        return f

    def goaway(self, code, note=''):
        """None when the server sends GOAWAY {code} and then closes; else what it did instead."""
        while True:
            f = self.read_frame()
            if f is None:
                return 'a close without GOAWAY' + note
            if isinstance(f, GoAwayFrame):
                if f.error_code != code:
                    return 'GOAWAY %s (%s)%s' % (error_name(f.error_code), f.additional_data.decode('latin-1'), note)
                while self.read_frame() is not None:
                    pass
                return None
            if isinstance(f, RstStreamFrame) and code not in (ENHANCE_YOUR_CALM,):
                return 'RST_STREAM %s on stream %d%s' % (error_name(f.error_code), f.stream_id, note)

    def reset(self, stream, code):
        """None when the server resets {stream} with {code} and the connection goes on (a PING is answered)."""
        while True:
            f = self.read_frame()
            if f is None:
                return 'a close'
            if isinstance(f, GoAwayFrame):
                return 'GOAWAY %s (%s)' % (error_name(f.error_code), f.additional_data.decode('latin-1'))
            if isinstance(f, HeadersFrame) and f.stream_id == stream:
                return 'an answer with :status %s on stream %d' % (f.fields.get(':status'), stream)
            if isinstance(f, RstStreamFrame) and f.stream_id == stream:
                if f.error_code != code:
                    return 'RST_STREAM %s' % error_name(f.error_code)
                return self.alive()

    def alive(self):
        """None when a PING is acknowledged: the connection lives on."""
        self.send(ping(b'stillhere'[:8]))
        while True:
            f = self.read_frame()
            if f is None:
                return 'the right reset, then a close'
            if isinstance(f, GoAwayFrame):
                return 'the right reset, then GOAWAY %s' % error_name(f.error_code)
            if isinstance(f, PingFrame) and 'ACK' in f.flags and f.opaque_data == b'stillher':
                return None

    def status(self, stream):
        """The :status of the answer on {stream}, or what came instead."""
        while True:
            f = self.read_frame()
            if f is None:
                return 'a close'
            if isinstance(f, GoAwayFrame):
                return 'GOAWAY %s' % error_name(f.error_code)
            if isinstance(f, RstStreamFrame) and f.stream_id == stream:
                return 'RST_STREAM %s' % error_name(f.error_code)
            if isinstance(f, HeadersFrame) and f.stream_id == stream:
                return f.fields.get(':status')


CASES = []


def case(name, expected):
    def register(run):
        CASES.append((name, expected, run))
        return run
    return register


def goaway_case(name, code, payload, check=None, settings_payload=b''):
    """A case that sends {payload} after the handshake and expects GOAWAY {code} and a close."""
    def run(host, port):
        c = Conn(host, port, client_settings=settings_payload)
        try:
            c.send(payload)
            got = c.goaway(code)
            return got if got is not None or check is None else check(c)
        finally:
            c.close()
    CASES.append((name, 'GOAWAY %s and a close' % error_name(code), run))


def reset_case(name, stream, code, payload, settings_payload=b''):
    """A case that sends {payload} after the handshake and expects RST_STREAM {code} on {stream}, nothing more."""
    def run(host, port):
        c = Conn(host, port, client_settings=settings_payload)
        try:
            c.send(payload)
            return c.reset(stream, code)
        finally:
            c.close()
    CASES.append((name, 'RST_STREAM %s on stream %d, the connection open' % (error_name(code), stream), run))


def at_most(kind, limit):
    def check(c):
        n = c.counts.get(kind, 0)
        return None if n <= limit else '%d %s, more than the budget of %d' % (n, kind, limit)
    return check


def streams(n, first=1):
    return range(first, first + 2 * n, 2)


# --- Baselines: the h2 library's own client state machine gets its answers ---

def h2_request(host, port, method, path, body=None):
    sock = socket.create_connection((host, port), timeout=TIMEOUT)
    try:
        conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding='utf-8'))
        conn.initiate_connection()
        fields = [(':method', method), (':scheme', 'http'), (':path', path), (':authority', '%s:%d' % (host, port))]
        if body is not None:
            fields.append(('content-length', str(len(body))))
        conn.send_headers(1, fields, end_stream=body is None)
        if body is not None:  # within the first windows, in frames of at most 16 KiB
            for at in range(0, len(body), 16384):
                conn.send_data(1, body[at:at + 16384], end_stream=at + 16384 >= len(body))
        sock.sendall(conn.data_to_send())
        status, data = None, b''
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return status, data, 'a close before the end of the stream'
            for event in conn.receive_data(chunk):
                if isinstance(event, h2.events.ResponseReceived):
                    status = dict(event.headers)[':status']
                elif isinstance(event, h2.events.DataReceived):
                    data += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    return status, data, None
                elif isinstance(event, (h2.events.StreamReset, h2.events.ConnectionTerminated)):
                    return status, data, type(event).__name__
            sock.sendall(conn.data_to_send())
    finally:
        sock.close()


@case('baseline-get', '200 Hello, World!')
def baseline_get(host, port):
    status, data, trouble = h2_request(host, port, 'GET', '/plaintext')
    return trouble or (None if (status, data) == ('200', b'Hello, World!') else '%s %r' % (status, data))


@case('baseline-post', '200 with the 60,000 bytes echoed')
def baseline_post(host, port):
    body = bytes(range(256)) * 234 + b'x' * 96  # within the initial window of 65,535 bytes
    status, data, trouble = h2_request(host, port, 'POST', '/echo', body)
    return trouble or (None if (status, data) == ('200', body) else '%s and %d bytes' % (status, len(data)))


# --- The floods of docs/http2.md: each ends in GOAWAY ENHANCE_YOUR_CALM and a close ---

goaway_case('ping-flood-cve-2019-9512', ENHANCE_YOUR_CALM, ping() * (MAX_PINGS + 20),
            check=at_most('PingFrame', MAX_PINGS))
goaway_case('reset-flood-cve-2019-9514', ENHANCE_YOUR_CALM,
            b''.join(headers(s, request(pseudo=[(':method', 'GET'), (':scheme', 'http')]))
                     for s in streams(MAX_RESETS + 20)),
            check=at_most('RstStreamFrame', MAX_RESETS))
goaway_case('settings-flood-cve-2019-9515', ENHANCE_YOUR_CALM, settings() * (MAX_SETTINGS + 20),
            check=at_most('SettingsFrame', MAX_SETTINGS + 1))  # the server's own SETTINGS, then the ACKs
goaway_case('zero-length-headers-flood-cve-2019-9516', ENHANCE_YOUR_CALM,
            b''.join(headers(s, b'', end_stream=False) for s in streams(MAX_EMPTY_FRAMES + 20)))
goaway_case('empty-data-flood-cve-2019-9518', ENHANCE_YOUR_CALM,
            open_upload(1) + frame(DATA, 0, 1) * (MAX_EMPTY_FRAMES + 20))
goaway_case('empty-continuation-flood-cve-2019-9518', ENHANCE_YOUR_CALM,
            headers(1, request(), end_headers=False) + frame(CONTINUATION, 0, 1) * (MAX_CONTINUATIONS + 20))
goaway_case('rapid-reset-cve-2023-44487', ENHANCE_YOUR_CALM,
            b''.join(headers(s, request()) + rst(s, CANCEL) for s in streams(MAX_RESETS + 50)))
goaway_case('rapid-reset-open-streams-cve-2023-44487', ENHANCE_YOUR_CALM,
            b''.join(open_upload(s) + rst(s, CANCEL) for s in streams(MAX_RESETS + 50)))
goaway_case('continuation-flood-frames', ENHANCE_YOUR_CALM,
            headers(1, request(), end_headers=False) + frame(CONTINUATION, 0, 1, b'\x00') * 1000)
goaway_case('continuation-flood-bytes', ENHANCE_YOUR_CALM,
            headers(1, block([('x-a', 'a' * 16000)]), end_headers=False)
            + frame(CONTINUATION, 0, 1, block([('x-b', 'b' * 16000)])) * 3)
goaway_case('made-you-reset-window-update-cve-2025-8671', ENHANCE_YOUR_CALM,
            b''.join(open_upload(s) + window_update(s, 0) for s in streams(MAX_RESETS + 50)),
            check=at_most('RstStreamFrame', MAX_RESETS))
goaway_case('made-you-reset-content-length-cve-2025-8671', ENHANCE_YOUR_CALM,
            b''.join(headers(s, request('/echo', 'POST', [('content-length', '1')]), end_stream=False)
                     + frame(DATA, END_STREAM, s, b'xy') for s in streams(MAX_RESETS + 50)),
            check=at_most('RstStreamFrame', MAX_RESETS))
goaway_case('made-you-reset-priority-length-cve-2025-8671', ENHANCE_YOUR_CALM,
            b''.join(open_upload(s) + frame(PRIORITY, 0, s, b'\0' * 4) for s in streams(MAX_RESETS + 50)),
            check=at_most('RstStreamFrame', MAX_RESETS))
goaway_case('refused-streams-flood', ENHANCE_YOUR_CALM,
            b''.join(open_upload(s) for s in streams(MAX_CONCURRENT_STREAMS + MAX_RESETS + 20)),
            check=at_most('RstStreamFrame', MAX_RESETS))
goaway_case('priority-flood', ENHANCE_YOUR_CALM,
            b''.join(frame(PRIORITY, 0, 1, struct.pack('>IB', 0, 15)) for _ in range(MAX_EMPTY_FRAMES + 20)))
goaway_case('window-update-dribble-cve-2019-9511', ENHANCE_YOUR_CALM,
            window_update(0, 1) * (MAX_USELESS_WINDOW_UPDATES + 20))
goaway_case('unknown-frame-flood', ENHANCE_YOUR_CALM, frame(0x42, 0, 0, b'') * (MAX_EMPTY_FRAMES + 20))


reset_case('zero-length-names-cve-2019-9516', 1, PROTOCOL_ERROR, headers(1, request() + b'\x00\x00\x00' * 600))


@case('zero-length-values-cve-2019-9516', ':status 431 on stream 1 (600 fields of 33 bytes each by RFC 7541: '
      'over the 16 KiB header list)')
def zero_length_values(host, port):
    c = Conn(host, port)
    try:
        c.send(headers(1, request() + b'\x00\x01a\x00' * 600))
        got = c.status(1)
        return None if got == '431' else got
    finally:
        c.close()


@case('stream-exhaustion', 'RST_STREAM REFUSED_STREAM on stream 201, the 101st open stream; the others kept')
def stream_exhaustion(host, port):
    c = Conn(host, port)
    try:
        c.send(b''.join(open_upload(s) for s in streams(MAX_CONCURRENT_STREAMS + 1)))
        got = c.reset(2 * MAX_CONCURRENT_STREAMS + 1, REFUSED_STREAM)
        if got is None and c.counts.get('RstStreamFrame', 0) != 1:
            got = '%d resets' % c.counts['RstStreamFrame']
        return got
    finally:
        c.close()


@case('no-read-cve-2019-9517', 'the server stops reading a client that does not read, then answers all %d streams'
      % (MAX_CONCURRENT_STREAMS - 1))
def no_read(host, port):
    wide = (1 << 31) - 1
    # 6.5 MB of answers: more than the kernels' buffers hold with ours at 64 KiB and the server's send buffer at most
    # Linux's default tcp_wmem maximum, 4 MiB; the rest must wait in the server, which then stops reading
    asked = MAX_CONCURRENT_STREAMS - 1
    c = Conn(host, port, client_settings=struct.pack('>HI', INITIAL_WINDOW_SIZE, 1 << 20), receive_buffer=65536)
    try:
        c.send(window_update(0, wide - 65535) + open_upload(1)
               + b''.join(headers(s, request('/json64k')) for s in streams(asked, 3)))
        # Without reading, send WINDOW_UPDATEs of 1 KiB to the open upload (frames the server must process, outside
        # every budget) until the server stops taking them: it should stop reading once its answers fill its
        # outbound buffer. A server that buffers instead takes them all, 20 MB.
        unit = window_update(1, 1024)
        chunk = unit * 5000
        sent, cap = 0, 20 * 1024 * 1024
        c.sock.setblocking(False)
        blocked = False
        while sent < cap and not blocked:
            view = memoryview(chunk)[sent % len(chunk):]
            try:
                sent += c.sock.send(view)
            except BlockingIOError:
                # 3 s without room: the server is not reading (a bound that only makes the case easier to pass)
                blocked = not select.select([], [c.sock], [], 3.0)[1]
        c.sock.setblocking(True)
        c.sock.settimeout(TIMEOUT)
        if not blocked:
            return 'the server read all %d bytes of WINDOW_UPDATE while its answers went unread' % sent
        print('  (the server stopped reading after %d bytes of WINDOW_UPDATE)' % sent, file=sys.stderr)
        tail = (-sent) % len(unit)
        bodies = {}
        ended = set()
        while len(ended) < asked:
            f = c.read_frame()
            if f is None:
                return 'a close after %d answers' % len(ended)
            if isinstance(f, (GoAwayFrame, RstStreamFrame)):
                return '%s %s' % (type(f).__name__, error_name(f.error_code))
            if isinstance(f, DataFrame):
                bodies[f.stream_id] = bodies.get(f.stream_id, 0) + len(f.data)
            if f.stream_id > 1 and 'END_STREAM' in f.flags:
                ended.add(f.stream_id)
        short = [s for s in ended if bodies.get(s) != LARGE_JSON_BYTES]
        if short:
            return 'streams %s not %d bytes' % (short, LARGE_JSON_BYTES)
        c.send(unit[len(unit) - tail:] if tail else b'')
        return c.alive()
    finally:
        c.close()


# --- Malformed sequences, each with the code RFC 9113 requires ---

goaway_case('data-on-stream-0', PROTOCOL_ERROR, frame(DATA, 0, 0, b'x'))
goaway_case('headers-on-stream-0', PROTOCOL_ERROR, headers(0, request()))
goaway_case('headers-on-even-stream', PROTOCOL_ERROR, headers(2, request()))
goaway_case('stream-id-going-backwards', PROTOCOL_ERROR, headers(5, request()) + headers(3, request()))
goaway_case('data-on-idle-stream', PROTOCOL_ERROR, frame(DATA, END_STREAM, 1, b'x'))
goaway_case('rst-stream-on-idle-stream', PROTOCOL_ERROR, rst(1, CANCEL))
goaway_case('window-update-on-idle-stream', PROTOCOL_ERROR, window_update(1, 1024))
goaway_case('frame-over-max-frame-size', FRAME_SIZE_ERROR, open_upload(1) + frame(DATA, 0, 1, b'x' * (MAX_FRAME + 1)))
goaway_case('headers-over-max-frame-size', FRAME_SIZE_ERROR,
            headers(1, block([('x-big', 'a' * MAX_FRAME)])))
goaway_case('ping-of-7-bytes', FRAME_SIZE_ERROR, ping(b'1234567'))
goaway_case('ping-on-a-stream', PROTOCOL_ERROR, frame(PING, 0, 1, b'12345678'))
goaway_case('rst-stream-of-5-bytes', FRAME_SIZE_ERROR, open_upload(1) + frame(RST_STREAM, 0, 1, b'\0' * 5))
goaway_case('window-update-of-5-bytes', FRAME_SIZE_ERROR, frame(WINDOW_UPDATE, 0, 0, b'\0\0\x04\0\0'))
goaway_case('window-update-0-on-connection', PROTOCOL_ERROR, window_update(0, 0))
goaway_case('connection-window-overflow', FLOW_CONTROL_ERROR, window_update(0, (1 << 31) - 1))
goaway_case('settings-of-7-bytes', FRAME_SIZE_ERROR, frame(SETTINGS, 0, 0, b'\0' * 7))
goaway_case('settings-ack-with-payload', FRAME_SIZE_ERROR, frame(SETTINGS, ACK, 0, b'\0' * 6))
goaway_case('settings-on-a-stream', PROTOCOL_ERROR, frame(SETTINGS, 0, 1, b''))
goaway_case('settings-enable-push-2', PROTOCOL_ERROR, settings((ENABLE_PUSH, 2)))
goaway_case('settings-initial-window-over-2^31-1', FLOW_CONTROL_ERROR, settings((INITIAL_WINDOW_SIZE, 1 << 31)))
goaway_case('settings-max-frame-size-under-16384', PROTOCOL_ERROR, settings((MAX_FRAME_SIZE, 16383)))
goaway_case('settings-max-frame-size-over-2^24-1', PROTOCOL_ERROR, settings((MAX_FRAME_SIZE, 1 << 24)))
goaway_case('settings-moving-a-window-past-2^31-1', FLOW_CONTROL_ERROR,
            open_upload(1) + window_update(1, (1 << 31) - 1 - 65535) + settings((INITIAL_WINDOW_SIZE, 65536)))
goaway_case('continuation-without-headers', PROTOCOL_ERROR, frame(CONTINUATION, END_HEADERS, 1, request()))
goaway_case('frame-inside-a-header-block', PROTOCOL_ERROR,
            headers(1, request(), end_headers=False) + ping())
goaway_case('continuation-on-another-stream', PROTOCOL_ERROR,
            headers(1, request(), end_headers=False) + frame(CONTINUATION, END_HEADERS, 3, b''))
goaway_case('push-promise-from-a-client', PROTOCOL_ERROR,
            open_upload(1) + frame(PUSH_PROMISE, END_HEADERS, 1, struct.pack('>I', 2) + request()))
goaway_case('padding-longer-than-the-frame', PROTOCOL_ERROR, open_upload(1) + frame(DATA, PADDED, 1, b'\x05abc'))
goaway_case('hpack-index-out-of-range', COMPRESSION_ERROR, headers(1, b'\xff\x80\x01'))  # index 255


@case('data-on-a-stream-both-ended', 'GOAWAY STREAM_CLOSED and a close')
def data_on_ended_stream(host, port):
    """A request answered and ended both ways; DATA on it afterwards is a connection error STREAM_CLOSED."""
    c = Conn(host, port)
    try:
        c.send(headers(1, request()))
        got = c.status(1)
        if got != '200':
            return 'the request first: %s' % got
        while True:  # the answer's END_STREAM
            f = c.read_frame()
            if f is None:
                return 'a close before the answer ended'
            if f.stream_id == 1 and 'END_STREAM' in f.flags:
                break
        c.send(frame(DATA, END_STREAM, 1, b'x'))
        return c.goaway(STREAM_CLOSED)
    finally:
        c.close()


@case('first-frame-not-settings', 'GOAWAY PROTOCOL_ERROR and a close')
def first_frame_not_settings(host, port):
    c = Conn(host, port, handshake=False)
    try:
        c.send(PREFACE + ping())
        return c.goaway(PROTOCOL_ERROR)
    finally:
        c.close()


reset_case('window-update-0-on-a-stream', 1, PROTOCOL_ERROR, open_upload(1) + window_update(1, 0))
reset_case('stream-window-overflow', 1, FLOW_CONTROL_ERROR, open_upload(1) + window_update(1, (1 << 31) - 1))
reset_case('priority-self-dependency', 1, PROTOCOL_ERROR, frame(PRIORITY, 0, 1, struct.pack('>IB', 1, 15)))
reset_case('headers-priority-self-dependency', 1, PROTOCOL_ERROR,
           frame(HEADERS, END_STREAM | END_HEADERS | PRIORITY_FLAG, 1, struct.pack('>IB', 1, 15) + request()))
reset_case('priority-of-4-bytes', 1, FRAME_SIZE_ERROR, frame(PRIORITY, 0, 1, b'\0' * 4))
reset_case('uppercase-header-name', 1, PROTOCOL_ERROR, headers(1, request(extra=[('X-Upper', 'a')])))
reset_case('connection-specific-header', 1, PROTOCOL_ERROR, headers(1, request(extra=[('connection', 'keep-alive')])))
reset_case('transfer-encoding-header', 1, PROTOCOL_ERROR, headers(1, request(extra=[('transfer-encoding', 'chunked')])))
reset_case('te-other-than-trailers', 1, PROTOCOL_ERROR, headers(1, request(extra=[('te', 'gzip')])))
reset_case('pseudo-header-after-regular', 1, PROTOCOL_ERROR,
           headers(1, block([(':method', 'GET'), (':scheme', 'http'), ('x-a', 'b'), (':path', '/plaintext'),
                             (':authority', 'h')])))
reset_case('missing-path', 1, PROTOCOL_ERROR,
           headers(1, request(pseudo=[(':method', 'GET'), (':scheme', 'http'), (':authority', 'h')])))
reset_case('empty-path', 1, PROTOCOL_ERROR,
           headers(1, request(pseudo=[(':method', 'GET'), (':scheme', 'http'), (':path', ''), (':authority', 'h')])))
reset_case('repeated-path', 1, PROTOCOL_ERROR,
           headers(1, block([(':method', 'GET'), (':scheme', 'http'), (':path', '/'), (':path', '/'),
                             (':authority', 'h')])))
reset_case('unknown-pseudo-header', 1, PROTOCOL_ERROR,
           headers(1, block([(':method', 'GET'), (':scheme', 'http'), (':path', '/'), (':foo', 'x')])))
reset_case('response-pseudo-header-in-a-request', 1, PROTOCOL_ERROR,
           headers(1, block([(':status', '200'), (':method', 'GET'), (':scheme', 'http'), (':path', '/')])))
reset_case('field-value-with-newline', 1, PROTOCOL_ERROR, headers(1, request(extra=[('x-a', 'a\nb')])))
reset_case('content-length-more-than-data', 1, PROTOCOL_ERROR,
           headers(1, request('/echo', 'POST', [('content-length', '10')]), end_stream=False)
           + frame(DATA, END_STREAM, 1, b'12345'))
reset_case('content-length-less-than-data', 1, PROTOCOL_ERROR,
           headers(1, request('/echo', 'POST', [('content-length', '3')]), end_stream=False)
           + frame(DATA, END_STREAM, 1, b'12345'))
reset_case('content-length-without-data', 1, PROTOCOL_ERROR,
           headers(1, request('/echo', 'POST', [('content-length', '3')])))
reset_case('trailers-without-end-stream', 1, PROTOCOL_ERROR,
           open_upload(1) + headers(1, block([('x-trailer', 'a')]), end_stream=False))
reset_case('data-after-end-stream', 1, STREAM_CLOSED,
           headers(1, request('/delay?ms=2000')) + frame(DATA, END_STREAM, 1, b'x'))


goaway_case('rst-stream-on-stream-0', PROTOCOL_ERROR, frame(RST_STREAM, 0, 0, struct.pack('>I', CANCEL)))
goaway_case('priority-on-stream-0', PROTOCOL_ERROR, frame(PRIORITY, 0, 0, struct.pack('>IB', 1, 15)))
goaway_case('hpack-huffman-with-eos', COMPRESSION_ERROR,
            headers(1, request() + b'\x00\x01a\x84\xff\xff\xff\xff'))  # a value holding the EOS symbol
goaway_case('hpack-table-size-over-the-setting', COMPRESSION_ERROR,
            headers(1, b'\x3f\xe1\x3f' + request()))  # a size update to 8,192, over our 4,096
goaway_case('hpack-table-size-after-a-field', COMPRESSION_ERROR, headers(1, request() + b'\x20'))
reset_case('host-differs-from-authority', 1, PROTOCOL_ERROR, headers(1, request(extra=[('host', 'elsewhere')])))
reset_case('pseudo-header-in-trailers', 1, PROTOCOL_ERROR,
           open_upload(1) + headers(1, block([(':path', '/x')])))
reset_case('headers-after-a-reset', 1, STREAM_CLOSED, open_upload(1) + rst(1, CANCEL) + headers(1, request()))


@case('client-goaway', 'GOAWAY NO_ERROR naming stream 1, the answer on stream 1, then a close')
def client_goaway(host, port):
    c = Conn(host, port)
    try:
        c.send(headers(1, request('/delay?ms=200')) + frame(GOAWAY, 0, 0, struct.pack('>II', 0, NO_ERROR)))
        seen = []
        while True:
            f = c.read_frame()
            if f is None:
                break
            if isinstance(f, GoAwayFrame):
                seen.append('GOAWAY %s %d' % (error_name(f.error_code), f.last_stream_id))
            elif isinstance(f, HeadersFrame):
                seen.append(':status %s' % f.fields.get(':status'))
            elif isinstance(f, RstStreamFrame):
                seen.append('RST_STREAM %s' % error_name(f.error_code))
        return None if seen == ['GOAWAY NO_ERROR 1', ':status 200'] else ', '.join(seen) + ', a close'
    finally:
        c.close()


@case('reserved-bit-ignored', ':status 200 on stream 1 for HEADERS on 0x80000001 (RFC 9113 section 4.1)')
def reserved_bit(host, port):
    c = Conn(host, port)
    try:
        c.send(headers(0x80000001, request()))
        got = c.status(1)
        return None if got == '200' else got
    finally:
        c.close()


@case('te-trailers-allowed', ':status 200 for te: trailers, the one te value a request may carry')
def te_trailers(host, port):
    c = Conn(host, port)
    try:
        c.send(headers(1, request(extra=[('te', 'trailers')])))
        got = c.status(1)
        return None if got == '200' else got
    finally:
        c.close()


@case('settings-unknown-identifier-ignored', 'the SETTINGS acknowledged and a request answered 200')
def unknown_setting(host, port):
    c = Conn(host, port)
    try:
        c.send(settings((0x4242, 7)) + headers(1, request()))
        got = c.status(1)
        return None if got == '200' and c.counts.get('SettingsFrame', 0) >= 3 else '%s, %d SETTINGS' % (
            got, c.counts.get('SettingsFrame', 0))
    finally:
        c.close()


@case('bad-preface', 'GOAWAY PROTOCOL_ERROR, or a close, for PRI * HTTP/2.0 followed by other bytes')
def bad_preface(host, port):
    c = Conn(host, port, handshake=False)
    try:
        c.send(PREFACE[:-4] + b'XX\r\n' + frame(SETTINGS, 0, 0))
        got = c.goaway(PROTOCOL_ERROR)
        return None if got in (None, 'a close without GOAWAY') else got
    finally:
        c.close()


# --- Well-formed but unusual sequences a strict server must still serve ---

def status_case(name, payload, stream=1, expected='200', settings_payload=b''):
    """A well-formed sequence a strict server must still serve: {expected} on {stream}, no reset."""
    def run(host, port):
        c = Conn(host, port, client_settings=settings_payload)
        try:
            c.send(payload)
            got = c.status(stream)
            return None if got == expected else got
        finally:
            c.close()
    CASES.append((name, ':status %s on stream %d' % (expected, stream), run))


status_case('padded-headers-accepted', frame(HEADERS, END_STREAM | END_HEADERS | PADDED, 1,
                                             b'\x04' + request() + b'\0' * 4))
status_case('headers-with-priority-accepted', frame(HEADERS, END_STREAM | END_HEADERS | PRIORITY_FLAG, 1,
                                                    struct.pack('>IB', 0, 15) + request()))
status_case('continuation-accepted', headers(1, request()[:10], end_headers=False)
            + frame(CONTINUATION, 0, 1, request()[10:20]) + frame(CONTINUATION, END_HEADERS, 1, request()[20:]))
status_case('request-with-trailers-accepted', open_upload(1) + frame(DATA, 0, 1, b'abc')
            + headers(1, block([('x-checksum', '1')])))
status_case('window-update-on-a-half-closed-stream', headers(1, request('/delay?ms=100')) + window_update(1, 4096))
status_case('rst-stream-on-a-closed-stream-ignored', headers(1, request()) + ping() + rst(1, CANCEL)
            + headers(3, request()), stream=3)
status_case('settings-huge-header-table-size', headers(1, request()),
            settings_payload=struct.pack('>HI', 0x1, 0xFFFFFFFF))


@case('zero-window-then-update', 'no DATA while the stream window is 0; the 13 bytes after a WINDOW_UPDATE')
def zero_window(host, port):
    c = Conn(host, port, client_settings=struct.pack('>HI', INITIAL_WINDOW_SIZE, 0))
    try:
        c.send(headers(1, request()) + ping(b'afterreq'))
        seen_headers = False
        while True:
            f = c.read_frame()
            if f is None or isinstance(f, (GoAwayFrame, RstStreamFrame)):
                return 'a close' if f is None else type(f).__name__
            if isinstance(f, DataFrame) and f.data:
                return 'DATA of %d bytes with a window of 0' % len(f.data)
            seen_headers |= isinstance(f, HeadersFrame) and f.stream_id == 1
            if isinstance(f, PingFrame) and 'ACK' in f.flags and f.opaque_data == b'afterreq':
                break
        if not seen_headers:
            return 'no HEADERS before the PING ACK'
        c.send(window_update(1, 100))
        while True:
            f = c.read_frame()
            if f is None or isinstance(f, (GoAwayFrame, RstStreamFrame)):
                return 'a close' if f is None else type(f).__name__
            if isinstance(f, DataFrame):
                return None if f.data == b'Hello, World!' else 'DATA %r' % f.data
    finally:
        c.close()


status_case('content-length-0-with-end-stream-accepted',
            headers(1, request('/echo', 'POST', [('content-length', '0')])))
goaway_case('hpack-dynamic-index-after-eviction', COMPRESSION_ERROR,
            headers(1, request() + b'\x40\x01a\x01b') + headers(3, b'\x20\xbe' + request()))  # table to 0, index 62


def data_until_ping(c, stream, opaque):
    """The DATA bytes on {stream} the server sent before it acknowledged PING {opaque}, and their frame sizes."""
    total, sizes = 0, []
    while True:
        f = c.read_frame()
        if f is None or isinstance(f, (GoAwayFrame, RstStreamFrame)):
            raise Closed('a close' if f is None else '%s %s' % (type(f).__name__, error_name(f.error_code)))
        if isinstance(f, DataFrame) and f.stream_id == stream:
            total += len(f.data)
            sizes.append(len(f.data))
        if isinstance(f, PingFrame) and 'ACK' in f.flags and f.opaque_data == opaque:
            return total, sizes


@case('stream-window-honoured', '1,000 bytes of /json64k within a stream window of 1,000, the rest after WINDOW_UPDATE')
def stream_window(host, port):
    c = Conn(host, port, client_settings=struct.pack('>HI', INITIAL_WINDOW_SIZE, 1000))
    try:
        c.send(headers(1, request('/json64k')) + ping(b'windowed'))
        first, _ = data_until_ping(c, 1, b'windowed')
        if first != 1000:
            return '%d bytes before the WINDOW_UPDATE' % first
        c.send(window_update(1, LARGE_JSON_BYTES - 1000) + window_update(0, LARGE_JSON_BYTES) + ping(b'theresta'))
        rest, sizes = data_until_ping(c, 1, b'theresta')
        if first + rest != LARGE_JSON_BYTES or max(sizes) > MAX_FRAME:
            return '%d bytes in all, frames up to %d' % (first + rest, max(sizes))
        return None
    finally:
        c.close()


@case('connection-window-honoured', '65,535 bytes of two /json64k answers within the connection window, the rest after')
def connection_window(host, port):
    c = Conn(host, port, client_settings=struct.pack('>HI', INITIAL_WINDOW_SIZE, 1 << 20))
    try:
        c.send(headers(1, request('/json64k')) + headers(3, request('/json64k')) + ping(b'connwind'))
        total = 0
        while True:
            f = c.read_frame()
            if f is None or isinstance(f, (GoAwayFrame, RstStreamFrame)):
                return 'a close' if f is None else type(f).__name__
            if isinstance(f, DataFrame):
                total += len(f.data)
            if isinstance(f, PingFrame) and 'ACK' in f.flags and f.opaque_data == b'connwind':
                break
        if total != 65535:
            return '%d bytes before the WINDOW_UPDATE' % total
        c.send(window_update(0, 2 * LARGE_JSON_BYTES) + ping(b'therestb'))
        while True:
            f = c.read_frame()
            if f is None or isinstance(f, (GoAwayFrame, RstStreamFrame)):
                return 'a close' if f is None else type(f).__name__
            if isinstance(f, DataFrame):
                total += len(f.data)
            if isinstance(f, PingFrame) and 'ACK' in f.flags and f.opaque_data == b'therestb':
                return None if total == 2 * LARGE_JSON_BYTES else '%d bytes in all' % total
    finally:
        c.close()


@case('settings-never-acknowledged', 'GOAWAY SETTINGS_TIMEOUT and a close, 10 s after the server sent its SETTINGS')
def settings_never_acknowledged(host, port):
    c = Conn(host, port, handshake=False)
    try:
        c.sock.settimeout(2 * TIMEOUT)  # the server's timeout is 10 s (Http2Limits.settingsTimeout)
        c.send(PREFACE + settings() + headers(1, request()))
        return c.goaway(SETTINGS_TIMEOUT)
    finally:
        c.close()


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    host, port, wanted = argv[1], int(argv[2]), set(argv[3:])
    unknown = wanted - {name for name, _, _ in CASES}
    if unknown:
        print('no such case: %s' % ', '.join(sorted(unknown)), file=sys.stderr)
        return 2
    failed = 0
    for name, expected, run in CASES:
        if wanted and name not in wanted:
            continue
        try:
            got = run(host, port)
        except Exception as e:  # a case that crashed failed; the others still run
            got = '%s: %s' % (type(e).__name__, e)
        if got is None:
            print('ok %s' % name, flush=True)
        else:
            failed += 1
            print('FAIL %s: expected %s got %s' % (name, expected, got), flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
