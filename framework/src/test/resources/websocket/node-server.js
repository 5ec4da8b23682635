// A WebSocket server from the Debian package node-ws (the npm package "ws"), for our client.
// Usage: node node-server.js <module dir>
// Prints "port N" once listening, then one line per event; exits when its stdin closes.
const { WebSocketServer } = require(process.argv[2]);
const wss = new WebSocketServer({
  host: '127.0.0.1', port: 0, maxPayload: 1 << 20,
  perMessageDeflate: { threshold: 0 },
  handleProtocols: (protocols) => (protocols.has('v2.echo') ? 'v2.echo' : false),
});
const out = (line) => console.log(line);
wss.on('listening', () => out('port ' + wss.address().port));
wss.on('connection', (ws, request) => {
  out('connection offered=' + (request.headers['sec-websocket-extensions'] || 'none'));
  ws.send('hello ' + (ws.protocol || 'none') + ' ' + (ws.extensions || 'none'));
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? null : data.toString();
    if (text === 'ping me') {
      ws.ping('node ping');
    } else if (text === 'close me') {
      ws.close(4002, 'node says bye');
    } else {
      ws.send(data, { binary: isBinary });
    }
  });
  ws.on('pong', (data) => ws.send('got pong ' + data.toString()));
  ws.on('close', (code, reason) => out('closed ' + code + ' ' + reason.toString()));
  ws.on('error', (e) => out('error ' + e.message));
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
