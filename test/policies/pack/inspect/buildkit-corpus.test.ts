import * as fs from "fs";
import * as path from "path";
import { parseDockerfileSyntax } from "../../../../policies/pack/inspect/dockerfile-syntax";
import type { DockerInstruction } from "../../../../policies/pack/inspect/facts";
import { TESTDATA_DIR } from "../../../support/paths";

const CORPUS = path.join(TESTDATA_DIR, "buildkit-parser");

/** Go's strconv.Quote: the form BuildKit's `Node.Dump` prints values in. */
function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\v") out += "\\v";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else if (/\p{C}/u.test(ch))
      out +=
        code > 0xffff
          ? "\\U" + code.toString(16).padStart(8, "0")
          : "\\u" + code.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

/** BuildKit's S-expression for one instruction, as `Node.Dump` prints it. */
function dump(instruction: DockerInstruction): string {
  let text = instruction.keyword.toLowerCase();
  if (instruction.flags.length > 0) text += ` [${instruction.flags.map(goQuote).join(" ")}]`;
  if (instruction.trigger) text += ` (${dump(instruction.trigger)})`;
  for (const arg of instruction.args) text += ` ${goQuote(arg)}`;
  return text;
}

function cases(dir: string): string[] {
  return fs.readdirSync(path.join(CORPUS, dir)).sort();
}

describe("Dockerfile reader against BuildKit's parser corpus", () => {
  it("finds the corpus", () => {
    expect(cases("testfiles").length).toBeGreaterThan(30);
    expect(cases("testfiles-negative").length).toBeGreaterThan(0);
  });

  it.each(cases("testfiles"))("reads %s exactly as BuildKit does", (name) => {
    const dir = path.join(CORPUS, "testfiles", name);
    const text = fs.readFileSync(path.join(dir, "Dockerfile"), "utf8");
    const expected = fs
      .readFileSync(path.join(dir, "result"), "utf8")
      .split("\n")
      .filter((line) => line !== "");
    const syntax = parseDockerfileSyntax(text, "Dockerfile");
    expect(syntax.problems).toEqual([]);
    expect(syntax.instructions.map((instruction) => `(${dump(instruction)})`)).toEqual(expected);
  });

  it.each(cases("testfiles-negative"))("reports %s as a problem without throwing", (name) => {
    const text = fs.readFileSync(path.join(CORPUS, "testfiles-negative", name, "Dockerfile"), "utf8");
    const syntax = parseDockerfileSyntax(text, "Dockerfile");
    expect(syntax.problems.length).toBeGreaterThan(0);
    expect(syntax.problems[0].location.file).toBe("Dockerfile");
    expect(syntax.problems[0].location.line).toBeGreaterThanOrEqual(1);
  });
});
