/** The string-width stand-in the CLI bundle uses for yargs' help layout (src/cli/string-width.ts). */
import { describe, expect, it } from "vitest";
import stringWidth from "../../src/cli/string-width.js";

describe("stringWidth", () => {
  it("counts ASCII by characters and ignores ANSI colour and hyperlink sequences", () => {
    expect(stringWidth("gitward scan [paths..]")).toBe(22);
    expect(stringWidth("\u001b[31mred\u001b[39m and \u001b[1mbold\u001b[22m")).toBe(12);
    expect(stringWidth("\u001b]8;;https://example.invalid\u0007link\u001b]8;;\u0007")).toBe(4);
    expect(stringWidth("")).toBe(0);
  });

  it("counts East Asian wide characters and emoji as two columns, combining marks as none", () => {
    expect(stringWidth("日本語")).toBe(6);
    expect(stringWidth("ｆｕｌｌ")).toBe(8);
    expect(stringWidth("e\u0301")).toBe(1);
    expect(stringWidth("🚀 go")).toBe(5);
    expect(stringWidth("tab\there")).toBe(7);
  });
});
