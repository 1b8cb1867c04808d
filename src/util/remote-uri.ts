/**
 * A git remote as an absolute URI for reports (SARIF's
 * versionControlProvenance.repositoryUri), never with credentials. git
 * accepts forms that are not URIs at all: scp-like `[user@]host:path`, plain
 * paths and `file://` URLs, `ssh://`, `git://`, `http(s)://` with
 * `user:token@`. Each is written as the URI git itself treats it as; anything
 * else (remote helpers such as `ext::`, unparsable text) gives undefined, and
 * the report leaves the property out rather than write an invalid one.
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** scp-like syntax: no "://", and a colon before any slash (git's own rule, see `git help clone`). */
const SCP = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+):(.*)$/;

export function remoteToUri(remote: string, cwd: string): string | undefined {
  const text = remote.trim();
  if (text === "" || /[\s\u0000-\u001f]/.test(text.replace(/ /g, ""))) return undefined;
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme) {
    if (!["ssh", "git", "http", "https", "file", "git+ssh", "ssh+git", "ftp", "ftps"].includes(scheme)) return undefined;
    return withoutCredentials(text);
  }
  if (text.includes("::")) return undefined; // a remote helper (<transport>::<address>)
  const scp = SCP.exec(text);
  // "C:/repo" and "./a:b" are paths, not hosts.
  if (scp && !/^[a-z]$/i.test(scp[2] as string) && !text.startsWith(".") && !text.startsWith("/")) {
    const path = scp[3] as string;
    const host = scp[2] as string;
    // `host:org/repo.git` is written as the ssh:// URL hosting services give for it (path from the root).
    const absolute = path.startsWith("/") ? path : `/${path}`;
    return withoutCredentials(`ssh://${host}${absolute.split("/").map(encodeSegment).join("/")}`);
  }
  if (/^[a-z]:[\\/]/i.test(text)) return `file:///${text.replace(/\\/g, "/").split("/").map(encodeSegment).join("/")}`;
  const file = isAbsolute(text) ? text : resolve(cwd, text);
  try {
    return pathToFileURL(file).href;
  } catch {
    return undefined;
  }
}

function encodeSegment(segment: string, index: number): string {
  // "~" (a home directory) and a drive letter's colon stay as they are.
  return segment === "~" || (index === 0 && /^[a-z]:$/i.test(segment)) ? segment : encodeURIComponent(segment);
}

/** The URI with any user name and password removed, or undefined when it does not parse. */
function withoutCredentials(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  url.username = "";
  url.password = "";
  // Some schemes (ssh, git) are "non-special" for WHATWG URL, which keeps them as given otherwise.
  const out = url.href;
  return /^[a-z][a-z0-9+.-]*:\/\/[^@/]*@/i.test(out) ? out.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1") : out;
}
