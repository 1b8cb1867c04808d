/** Standard input as one fragment (`gitward scan - --stdin-filename app/.env`). */
import type { Fragment } from "../types.js";
import { decodeText } from "./decode-text.js";
import { countLines, type SourceContext, type TextSource } from "./source.js";

export class StdinSource implements TextSource {
  readonly description = "files";
  constructor(
    private readonly read: () => Promise<Uint8Array>,
    private readonly filename = "<stdin>",
  ) {}

  async *fragments(ctx: SourceContext): AsyncIterable<Fragment> {
    const bytes = await this.read();
    const decoded = decodeText(bytes);
    if (decoded.kind === "binary") {
      ctx.skip({ path: this.filename, reason: "binary", detail: "binary content on standard input", fatal: false });
      return;
    }
    ctx.countFile(bytes.length, countLines(decoded.text));
    yield { path: this.filename, text: decoded.text, startLine: 1, source: "stdin" };
  }
}

/** Reads a whole stream into memory (stdin is bounded by what the caller pipes in). */
export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
