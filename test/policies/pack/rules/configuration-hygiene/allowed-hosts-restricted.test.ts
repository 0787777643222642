import { allowedHostsRestricted as rule } from "../../../../../policies/pack/rules/configuration-hygiene/allowed-hosts-restricted";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("allowed-hosts-restricted", () => {
  itJudgesTheAppBuild(rule, ["konote/settings.py:11"]);
});
