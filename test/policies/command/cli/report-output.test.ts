import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { reportDate, writeReport } from "../../../../policies/command/cli/report-output";
import type { Terminal } from "../../../../policies/command/cli/terminal";
import { UsageError } from "../../../../policies/command/offline/usage-error";

describe("SOURCE_DATE_EPOCH dates the report", () => {
  it("as the UTC day of that many seconds since 1970", () => {
    expect(reportDate({ SOURCE_DATE_EPOCH: "1767312000" })?.toISOString()).toBe("2026-01-02T00:00:00.000Z");
  });

  it("leaves the date to today when unset or empty", () => {
    expect(reportDate({})).toBeUndefined();
    expect(reportDate({ SOURCE_DATE_EPOCH: "" })).toBeUndefined();
  });

  it("rejects a value that is not whole seconds, naming it", () => {
    expect(() => reportDate({ SOURCE_DATE_EPOCH: "2026-01-02" })).toThrow(
      new UsageError('SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got "2026-01-02"'),
    );
  });
});

describe("--out", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-out-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const silent: Terminal = {
    progress: () => undefined,
    done: () => undefined,
    error: () => undefined,
    note: () => undefined,
    stdout: () => {
      throw new Error("--out must not write to stdout");
    },
  };

  it("writes the report, ending in a newline, creating the directory", () => {
    const out = path.join(tmp, "reports", "local.md");
    writeReport("# Report", out, silent);
    expect(fs.readFileSync(out, "utf8")).toBe("# Report\n");
  });

  it("names a file it cannot write", () => {
    expect(() => writeReport("x", tmp, silent)).toThrow(new UsageError(`cannot write --out ${tmp}: EISDIR`));
  });
});
