import { debugEnabled, EXIT, internalErrorMessage } from "../../../../policies/command/cli/exit-status";

test("the statuses: 0 and 1 are the gate's verdict; usage is 2 and an internal error 3", () => {
  expect(EXIT).toEqual({ pass: 0, mandatoryFailure: 1, usage: 2, internal: 3 });
});

test.each([
  [undefined, false],
  ["", false],
  ["0", false],
  ["false", false],
  ["FALSE", false],
  ["1", true],
  ["yes", true],
])("AGENCY_DEPLOY_DEBUG=%j turns debugging %s", (value, enabled) => {
  expect(debugEnabled(value === undefined ? {} : { AGENCY_DEPLOY_DEBUG: value })).toBe(enabled);
});

test("an internal error is its first line and a request to report it, the trace only when debugging", () => {
  const error = new RangeError("index out of range\n  at detail that belongs in the trace");
  const quiet = internalErrorMessage(error, {});
  expect(quiet.split("\n")).toEqual([
    "internal error: RangeError: index out of range",
    "This is a bug in agency-deploy; please report it with the command you ran, and run it again with AGENCY_DEPLOY_DEBUG=1 for the stack trace.",
  ]);
  expect(internalErrorMessage(error, { AGENCY_DEPLOY_DEBUG: "1" })).toContain(error.stack);
});

test("a thrown value that is not an Error is reported by its text", () => {
  expect(internalErrorMessage("socket closed", {}).split("\n")[0]).toBe("internal error: socket closed");
});
