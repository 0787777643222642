/**
 * The official SARIF 2.1.0 JSON schema (rtm.5, the release the OASIS standard was published
 * with), as shipped in Microsoft's @microsoft/jest-sarif package, compiled with ajv.
 */
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import type * as Sarif from "sarif";
import sarifSchema from "@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json";

// The schema's `language` pattern has a stray `]` that is only legal without the `u` flag;
// `strict: false` lets its draft-04 idioms (e.g. `default` beside `$ref`) through.
const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
export const validateSarif = ajv.compile(sarifSchema);

export function expectValidSarif(log: Sarif.Log): void {
  const valid = validateSarif(log);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}
