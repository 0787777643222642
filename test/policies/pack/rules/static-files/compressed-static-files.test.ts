import { compressedStaticFiles as rule } from "../../../../../policies/pack/rules/static-files/compressed-static-files";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("compressed-static-files", () => {
  itJudgesTheAppBuild(rule, ["konote/settings.py:28"]);
});
