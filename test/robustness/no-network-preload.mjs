// Preloaded with NODE_OPTIONS=--import=... by the no-network tests: any network
// attempt appends to $GITWARD_NET_MARKER and throws, so it cannot go unnoticed.

import dns from "node:dns";
import { appendFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import tls from "node:tls";

const marker = process.env.GITWARD_NET_MARKER;
function trap(name) {
  return () => {
    if (marker) appendFileSync(marker, `${name} pid ${process.pid}\n`);
    throw new Error(`NETWORK ACCESS ATTEMPTED: ${name}`);
  };
}
net.connect = trap("net.connect");
net.createConnection = trap("net.createConnection");
net.Socket.prototype.connect = trap("net.Socket.connect");
tls.connect = trap("tls.connect");
dns.lookup = trap("dns.lookup");
dns.resolve = trap("dns.resolve");
dns.promises.lookup = trap("dns.promises.lookup");
dns.promises.resolve = trap("dns.promises.resolve");
http.request = trap("http.request");
http.get = trap("http.get");
https.request = trap("https.request");
https.get = trap("https.get");
globalThis.fetch = trap("fetch");
syncBuiltinESMExports();
