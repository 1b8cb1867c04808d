import { expect, it } from "vitest";
import { expandFakes } from "../../src/packs/fake-secrets.js";
import { createRepo, runCli } from "../helpers/temp-repo.js";

it("smoke", async () => {
  const repo = createRepo();
  const key = expandFakes("AKIA{{fake:chars:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:16}}", "s1");
  repo.write("a b.txt", `hello\nkey = ${key}\r\n`);
  repo.git("add", "-A");
  const r = await runCli(["staged"], repo.dir);
  console.log(r);
  expect(r.code).toBe(1);
});
