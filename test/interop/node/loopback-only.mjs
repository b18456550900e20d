// Preloaded into every Node interop client (node --import): a TCP connection to anything but the
// loopback address fails at once, so no client can reach the real Entra ID or anything else.
import net from "node:net";
import dns from "node:dns";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const refuse = (where) => new Error(`interop loopback guard: refused a connection to ${where} (only 127.0.0.1 is allowed)`);

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect passes its normalized [options, callback] array; tls.connect an options object.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === "object" && first !== null ? first : { port: first, host: typeof args[1] === "string" ? args[1] : undefined };
  if (options.path === undefined) {
    const host = options.host ?? "localhost";
    if (!LOOPBACK.has(host)) {
      const error = refuse(`${host}:${options.port}`);
      process.nextTick(() => this.destroy(error));
      return this;
    }
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  if (!LOOPBACK.has(hostname)) {
    const callback = rest[rest.length - 1];
    if (typeof callback === "function") process.nextTick(() => callback(refuse(hostname)));
    return {};
  }
  return lookup.call(this, hostname, ...rest);
};
