import { settingsModuleExists as rule } from "../../../../../policies/pack/rules/configuration-hygiene/settings-module-exists";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("settings-module-exists", () => {
  itJudgesTheAppBuild(rule, ["Dockerfile:18"]);
});
