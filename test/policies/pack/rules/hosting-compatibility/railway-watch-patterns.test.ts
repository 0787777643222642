import { railwayWatchPatterns as rule } from "../../../../../policies/pack/rules/hosting-compatibility/railway-watch-patterns";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("railway-watch-patterns", () => {
  itJudgesTheAppBuild(rule, ["railway.json:6"]);
});
