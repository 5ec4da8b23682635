// A real WebSocket client (the "ws" package, Debian's node-ws) in the chat: each line of stdin is sent as a text
// message; prints "open", then "message <text>" for each message received, and "close <status>" at the end.
// usage: node ws-chat.js ws://127.0.0.1:PORT/ws
"use strict";
const WebSocket = require("ws");
const readline = require("readline");

const ws = new WebSocket(process.argv[2]);
ws.on("open", () => {
  console.log("open");
  const lines = readline.createInterface({ input: process.stdin });
  lines.on("line", line => ws.send(line));
  lines.on("close", () => ws.close(1000, "bye"));
});
ws.on("message", (data, isBinary) => console.log("message " + (isBinary ? "(binary) " : "") + data.toString("utf8")));
ws.on("close", code => {
  console.log("close " + code);
  process.exit(0);
});
ws.on("error", e => {
  console.error(String(e));
  process.exit(1);
});
