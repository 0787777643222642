import { buildSettingsStandalone as rule } from "../../../../../policies/pack/rules/static-files/build-settings-standalone";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("build-settings-standalone", () => {
  itJudgesTheAppBuild(rule, ["entrypoint.sh:10"]);
});
