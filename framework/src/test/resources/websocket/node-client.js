// A WebSocket client from the Debian package node-ws (the npm package "ws"), against our server's /echo route.
// Usage: node node-client.js <module dir> <url> deflate|plain server-closes|client-closes
// Prints one line per step; exits 0 once the connection closed, 1 on an error, 2 after 20 s.
const WebSocket = require(process.argv[2]);
const [url, deflate, closing] = process.argv.slice(3);
const ws = new WebSocket(url, ['v2.echo'], { perMessageDeflate: deflate === 'deflate', maxPayload: 1 << 20 });
const out = (line) => console.log(line);
const big = 'κόσμε 𝄞 '.repeat(4000);
const binary = Buffer.alloc(100000);
for (let i = 0; i < binary.length; i++) {
  binary[i] = (i * 31 + (i >> 8)) & 0xff;
}
let step = 0;
ws.on('open', () => out('open protocol=' + ws.protocol + ' extensions=' + ws.extensions));
ws.on('message', (data, isBinary) => {
  switch (step++) {
    case 0: out('welcome ' + data.toString()); ws.send('hello'); break;
    case 1: out('echo ' + data.toString()); ws.send(big); break;
    case 2: out('big echoed ' + (!isBinary && data.toString() === big)); ws.send(binary); break;
    case 3: out('binary echoed ' + (isBinary && Buffer.compare(data, binary) === 0)); ws.ping('node ping'); break;
    default: out('unexpected ' + data.toString());
  }
});
ws.on('pong', (data) => {
  out('pong ' + data.toString());
  if (closing === 'server-closes') {
    ws.send('close me');
  } else {
    ws.close(4001, 'bye from node');
  }
});
ws.on('close', (code, reason) => { out('close ' + code + ' ' + reason.toString()); process.exit(0); });
ws.on('error', (e) => { out('error ' + e.message); process.exit(1); });
setTimeout(() => { out('timeout'); process.exit(2); }, 20000).unref();
