import { httpsSettings as rule } from "../../../../../policies/pack/rules/configuration-hygiene/https-settings";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("https-settings", () => {
  itJudgesTheAppBuild(rule, ["konote/settings.py"]);
});
