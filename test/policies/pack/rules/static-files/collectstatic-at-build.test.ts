import { collectstaticAtBuild as rule } from "../../../../../policies/pack/rules/static-files/collectstatic-at-build";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("collectstatic-at-build", () => {
  itJudgesTheAppBuild(rule, ["entrypoint.sh:10"]);
});
