/**
 * SigV4 against the two worked examples AWS publishes (the signature test
 * suite's get-vanilla and the IAM ListUsers example in the SigV4 guide). The
 * example secret is AWS's documented sample, split so it is not a literal here.
 */
import { describe, expect, it } from "vitest";
import { amzDate, signV4 } from "../../src/verify/sigv4.js";

const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: ["wJalrXUtnFEMI", "K7MDENG+bPxRfiCY" + "EXAMPLEKEY"].join("/") };
const when = new Date("2015-08-30T12:36:00Z");

describe("signV4", () => {
  it("get-vanilla from the SigV4 test suite", () => {
    const h = signV4(
      { method: "GET", host: "example.amazonaws.com", path: "/", headers: {}, body: "" },
      creds,
      "us-east-1",
      "service",
      when,
    );
    expect(h.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
    expect(h["x-amz-date"]).toBe("20150830T123600Z");
  });

  it("the IAM ListUsers example (query string, content-type header)", () => {
    const h = signV4(
      {
        method: "GET",
        host: "iam.amazonaws.com",
        path: "/",
        query: "Version=2010-05-08&Action=ListUsers",
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
        body: "",
      },
      creds,
      "us-east-1",
      "iam",
      when,
    );
    expect(h.authorization).toMatch(
      /SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7$/,
    );
  });

  it("a session token is signed as x-amz-security-token", () => {
    const h = signV4(
      { method: "POST", host: "sts.amazonaws.com", path: "/", headers: {}, body: "x" },
      { ...creds, sessionToken: "tok" },
      "us-east-1",
      "sts",
      when,
    );
    expect(h["x-amz-security-token"]).toBe("tok");
    expect(h.authorization).toContain("SignedHeaders=host;x-amz-date;x-amz-security-token");
    expect(amzDate(when)).toBe("20150830T123600Z");
  });
});
