// Drives headless Chromium through the DevTools protocol, for ChatBrowserIT. Starts chromium with a fresh profile,
// then takes one command a line on stdin and answers with one line on stdout:
//   open <url>               -> "page <n>"        a new page (tab) at url
//   eval <n> <expression>    -> "value <string>"  the expression's value in page n (awaited if a promise), as a
//                                                  string; the test's expressions encode what they return
//   any failure              -> "error <message>"
// Closing stdin closes the browser and removes its profile.
// usage: node cdp.js [chromium command]
"use strict";
const WebSocket = require("ws");
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "chat-browser-"));
const chromium = spawn(process.argv[2] || "chromium", [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
  "--no-default-browser-check", "--disable-extensions", "--user-data-dir=" + profile,
  "--remote-debugging-port=0", "about:blank"], { stdio: ["ignore", "ignore", "pipe"] });

let browser = null;
let nextId = 1;
const pending = new Map();
const sessions = [];
let queue = Promise.resolve();

function command(method, params, sessionId) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const message = { id, method, params: params || {} };
    if (sessionId) {
      message.sessionId = sessionId;
    }
    browser.send(JSON.stringify(message));
  });
}

async function handle(line) {
  const space = line.indexOf(" ");
  const verb = space < 0 ? line : line.slice(0, space);
  const rest = space < 0 ? "" : line.slice(space + 1);
  if (verb === "open") {
    const { targetId } = await command("Target.createTarget", { url: rest });
    const { sessionId } = await command("Target.attachToTarget", { targetId, flatten: true });
    sessions.push(sessionId);
    return "page " + (sessions.length - 1);
  }
  if (verb === "eval") {
    const at = rest.indexOf(" ");
    const sessionId = sessions[Number(rest.slice(0, at))];
    const r = await command("Runtime.evaluate",
        { expression: rest.slice(at + 1), returnByValue: true, awaitPromise: true }, sessionId);
    if (r.exceptionDetails) {
      throw new Error(r.exceptionDetails.exception ? r.exceptionDetails.exception.description : r.exceptionDetails.text);
    }
    return "value " + String(r.result.value);
  }
  throw new Error("unknown command: " + verb);
}

/** Ends chromium (asked to close, killed after 5 s), removes its profile once it has exited, and exits. */
function quit(status) {
  const done = () => {
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    } catch (e) {
      console.error("could not remove " + profile + ": " + e.message);
    }
    process.exit(status);
  };
  if (chromium.exitCode !== null || chromium.signalCode !== null) {
    done();
    return;
  }
  chromium.once("exit", done);
  setTimeout(() => chromium.kill("SIGKILL"), 5000).unref();
  if (browser !== null && browser.readyState === WebSocket.OPEN) {
    command("Browser.close").catch(() => chromium.kill("SIGKILL"));
  } else {
    chromium.kill("SIGKILL");
  }
}

let stderr = "";
chromium.stderr.on("data", chunk => {
  stderr += chunk;
  const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
  if (m && browser === null) {
    browser = new WebSocket(m[1], { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    browser.on("message", data => {
      const message = JSON.parse(data.toString("utf8"));
      const waiting = message.id && pending.get(message.id);
      if (waiting) {
        pending.delete(message.id);
        if (message.error) {
          waiting.reject(new Error(message.error.message));
        } else {
          waiting.resolve(message.result);
        }
      }
    });
    browser.on("open", () => {
      console.log("ready");
      const lines = readline.createInterface({ input: process.stdin });
      lines.on("line", line => {
        queue = queue.then(() => handle(line))
          .then(answer => console.log(answer), e => console.log("error " + String(e.message).replace(/\n/g, " ")));
      });
      lines.on("close", () => queue.then(() => quit(0)));
    });
    browser.on("error", e => {
      console.error("devtools: " + e);
      quit(1);
    });
  }
});
chromium.on("exit", code => {
  if (browser === null) {
    console.error("chromium exited with " + code + ": " + stderr);
    quit(1);
  }
});
process.on("SIGTERM", () => quit(1));
