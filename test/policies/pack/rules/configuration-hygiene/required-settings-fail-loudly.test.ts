import { requiredSettingsFailLoudly as rule } from "../../../../../policies/pack/rules/configuration-hygiene/required-settings-fail-loudly";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("required-settings-fail-loudly", () => {
  itJudgesTheAppBuild(rule, [
    "konote/settings.py:8",
    "konote/settings.py:9",
    "konote/settings.py:14",
    "konote/settings.py:15",
  ]);
});
