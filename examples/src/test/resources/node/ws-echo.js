// A real WebSocket client (the "ws" package, Debian's node-ws) against the http example's /ws/echo, once without
// and once with permessage-deflate. It prints what came back, one fact a line, for WebSocketEchoIT to check:
//   <session> extensions <Sec-WebSocket-Extensions agreed, or "none">
//   <session> text <isBinary> <the echoed text>
//   <session> binary <isBinary> <hex of the echoed bytes>
//   <session> big <isBinary> <length> <sha256 hex>      a 16 MiB binary message (the route's limit)
//   <session> compressible <isBinary> <length> <sha256 hex> <bytes read from the socket meanwhile>
//   <session> too-big close <status>                    a message one byte over the limit
// usage: node ws-echo.js ws://127.0.0.1:PORT/ws/echo
"use strict";
const WebSocket = require("ws");
const crypto = require("crypto");

const url = process.argv[2];
const MIB = 1024 * 1024;

function pattern(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    b[i] = (i * 31 + 7) & 0xff;
  }
  return b;
}

function sha256(data) {
  return crypto.createHash("sha256").update(data).digest("hex");
}

function open(deflate) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: deflate, maxPayload: 64 * MIB });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

function echo(ws, payload, binary) {
  return new Promise((resolve, reject) => {
    ws.once("message", (data, isBinary) => resolve({ data, isBinary }));
    ws.once("close", code => reject(new Error("closed with " + code)));
    ws.send(payload, { binary });
  });
}

function closed(ws) {
  return new Promise(resolve => ws.once("close", code => resolve(code)));
}

async function session(name, deflate) {
  const ws = await open(deflate);
  console.log(name + " extensions " + (ws.extensions || "none"));
  let r = await echo(ws, "héllo ✓ wörld, 𝄞", false);
  console.log(name + " text " + r.isBinary + " " + r.data.toString("utf8"));
  r = await echo(ws, pattern(256), true);
  console.log(name + " binary " + r.isBinary + " " + r.data.toString("hex"));
  r = await echo(ws, pattern(16 * MIB), true);
  console.log(name + " big " + r.isBinary + " " + r.data.length + " " + sha256(r.data));
  const text = "a chat line that repeats itself, as chat lines do. ".repeat(20000);
  const before = ws._socket.bytesRead;
  r = await echo(ws, text, false);
  console.log(name + " compressible " + r.isBinary + " " + r.data.length + " " + sha256(r.data) + " "
      + (ws._socket.bytesRead - before));
  const end = closed(ws);
  ws.send(pattern(16 * MIB + 1), { binary: true });
  console.log(name + " too-big close " + await end);
}

(async () => {
  await session("plain", false);
  await session("deflate", { threshold: 0 });
})().catch(e => {
  console.error(e.stack || String(e));
  process.exit(1);
});
