import { optionalSettingsSafeDefaults as rule } from "../../../../../policies/pack/rules/configuration-hygiene/optional-settings-safe-defaults";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("optional-settings-safe-defaults", () => {
  itJudgesTheAppBuild(rule, []);
});
