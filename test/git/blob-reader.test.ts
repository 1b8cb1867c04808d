/**
 * BlobReader and BlobSizer: one long-lived `git cat-file` each, on a real
 * repository. Answers must come back to the request that asked, in any
 * number and size, a missing object is undefined (not an error), and a
 * closed reader refuses further requests instead of hanging.
 */
import { describe, expect, it } from "vitest";
import { BlobReader, BlobSizer } from "../../src/git/blob-reader.js";
import { reposPerTest } from "../helpers/temp-repo.js";

const repos = reposPerTest();

describe("git cat-file readers", () => {
  it("read blobs of every size, in request order, with missing objects and non-ids answered undefined", async () => {
    const repo = repos();
    // A blob larger than a pipe's chunks (it arrives in many), an empty one, binary bytes, and small ones.
    const large = Buffer.alloc(3 * 1024 * 1024 + 17, "0123456789abcdef\n");
    const binary = Buffer.from([0, 255, 10, 13, 0, 1, 2, 10]);
    const files: Record<string, Buffer> = {
      "large.txt": large,
      "empty.txt": Buffer.alloc(0),
      "binary.bin": binary,
      "a.txt": Buffer.from("alpha\n"),
      "b.txt": Buffer.from("beta beta\n"),
    };
    for (const [name, content] of Object.entries(files)) repo.write(name, content);
    repo.git("add", ".");
    const oid = (name: string) => repo.git("rev-parse", `:${name}`).trim();
    const missing = "0".repeat(39) + "1";
    const order = ["a.txt", "large.txt", missing, "empty.txt", "not-an-id", "binary.bin", "b.txt", "large.txt"];
    const ids = order.map((n) => (n in files ? oid(n) : n));

    const reader = new BlobReader(repo.dir);
    const sizer = new BlobSizer(repo.dir);
    try {
      // All asked at once: answers are matched to requests by order only.
      const [blobs, sizes] = await Promise.all([
        Promise.all(ids.map((id) => reader.read(id))),
        Promise.all(ids.map((id) => sizer.size(id))),
      ]);
      order.forEach((name, i) => {
        const want = files[name];
        if (want === undefined) expect(blobs[i], name).toBeUndefined();
        else expect(blobs[i]?.equals(want), name).toBe(true);
        expect(sizes[i], name).toBe(want?.length);
      });
      // And again after the first answers (the processes stay up).
      expect((await reader.read(oid("b.txt")))?.toString()).toBe("beta beta\n");
      expect(await sizer.size(oid("large.txt"))).toBe(large.length);
    } finally {
      reader.close();
      sizer.close();
    }
    await expect(reader.read(oid("a.txt"))).rejects.toThrow("git cat-file --batch closed");
    await expect(sizer.size(oid("a.txt"))).rejects.toThrow("git cat-file --batch-check closed");
  });

  it("fail every waiting request with git's message when git cannot run here", async () => {
    const reader = new BlobReader("/nonexistent-gitward-dir");
    await expect(reader.read("a".repeat(40))).rejects.toThrow(/git/);
    reader.close();
  });
});
