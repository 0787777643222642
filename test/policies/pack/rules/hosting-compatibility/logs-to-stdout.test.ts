import { logsToStdout as rule } from "../../../../../policies/pack/rules/hosting-compatibility/logs-to-stdout";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("logs-to-stdout", () => {
  itJudgesTheAppBuild(rule, ["entrypoint.sh:15", "konote/settings.py:45"]);
});
