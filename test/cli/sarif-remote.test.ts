/**
 * SARIF's versionControlProvenance.repositoryUri must be an absolute URI without credentials for
 * every remote form git accepts (scp-like, ssh://, https with a token, local paths), or be left
 * out; the multitool validates history and pre-push SARIF, not only scan's.
 */
import { describe, expect, it } from "vitest";
import { remoteToUri } from "../../src/util/remote-uri.js";
import { fakeAwsKey } from "../git/git-helpers.js";
import { sarifProblems } from "../helpers/sarif-validate.js";
import { createRepo, reposPerTest, runCli } from "../helpers/temp-repo.js";

const repos = reposPerTest();
const KEY = fakeAwsKey("sarif-remote");

describe("remoteToUri", () => {
  it.each([
    ["git@github.com:org/repo.git", "ssh://github.com/org/repo.git"],
    ["github.com:org/repo.git", "ssh://github.com/org/repo.git"],
    ["deploy@host.example:~/repo.git", "ssh://host.example/~/repo.git"],
    ["ssh://git@github.com/org/repo.git", "ssh://github.com/org/repo.git"],
    ["ssh://user:secret@host.example:2222/srv/repo.git", "ssh://host.example:2222/srv/repo.git"],
    ["git+ssh://git@host.example/repo", "git+ssh://host.example/repo"],
    ["https://x-access-token:ghs_faketoken@github.com/org/repo.git", "https://github.com/org/repo.git"],
    ["https://oauth2:glpat-fake@gitlab.example/group/repo", "https://gitlab.example/group/repo"],
    ["http://host.example/my repo.git", "http://host.example/my%20repo.git"],
    ["git://host.example/repo.git", "git://host.example/repo.git"],
    ["file:///srv/git/repo.git", "file:///srv/git/repo.git"],
    ["/srv/git/repo.git", "file:///srv/git/repo.git"],
    ["../other repo", "file:///home/u/other%20repo"],
    ["C:/repos/x", "file:///C:/repos/x"],
  ])("%s -> %s", (remote, uri) => {
    expect(remoteToUri(remote, "/home/u/work")).toBe(uri);
    expect(() => new URL(uri)).not.toThrow();
  });

  it.each(["", "ext::ssh -i key host %S repo", "fd::17", "weird://host/repo"])("leaves out %j", (remote) => {
    expect(remoteToUri(remote, "/home/u/work")).toBeUndefined();
  });
});

describe("history and pre-push SARIF pass the GitHub validator with any origin", () => {
  function repoWithOrigin(origin: string) {
    const r = createRepo();
    repos.track(r);
    r.commit("base", { "a.txt": "a\n" });
    r.commit("leak", { "app.env": `AWS_ACCESS_KEY_ID=${KEY}\n` });
    r.git("remote", "add", "origin", origin);
    return r;
  }

  it("history, scp-like SSH origin", async () => {
    const r = repoWithOrigin("git@github.com:org/repo.git");
    const res = await runCli(["history", "-f", "sarif", "-o", "h.sarif"], r.dir);
    expect(res.code).toBe(1);
    const vcp = JSON.parse(r.read("h.sarif")).runs[0].versionControlProvenance;
    expect(vcp[0].repositoryUri).toBe("ssh://github.com/org/repo.git");
    expect(sarifProblems(`${r.dir}/h.sarif`)).toEqual([]);
  });

  it("history, local-path origin", async () => {
    const r = repoWithOrigin("../upstream.git");
    const res = await runCli(["history", "-f", "sarif", "-o", "h.sarif"], r.dir);
    expect(res.code).toBe(1);
    const uri = JSON.parse(r.read("h.sarif")).runs[0].versionControlProvenance[0].repositoryUri;
    expect(uri).toMatch(/^file:\/\/\/.*\/upstream\.git$/);
    expect(sarifProblems(`${r.dir}/h.sarif`)).toEqual([]);
  });

  it("pre-push, https origin with a token (the token never appears)", async () => {
    const token = ["ghp", "fakefakefakefakefake"].join("_");
    const r = repoWithOrigin(`https://user:${token}@github.com/org/repo.git`);
    const head = r.git("rev-parse", "HEAD").trim();
    const res = await runCli(["pre-push", "origin", "-f", "sarif", "-o", "p.sarif"], r.dir, {
      stdin: `refs/heads/main ${head} refs/heads/main ${"0".repeat(40)}\n`,
    });
    expect(res.code).toBe(1);
    const text = r.read("p.sarif");
    expect(text).not.toContain(token);
    expect(JSON.parse(text).runs[0].versionControlProvenance[0].repositoryUri).toBe("https://github.com/org/repo.git");
    expect(sarifProblems(`${r.dir}/p.sarif`)).toEqual([]);
  });
});
