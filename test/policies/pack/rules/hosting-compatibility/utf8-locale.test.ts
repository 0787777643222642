import { utf8Locale as rule } from "../../../../../policies/pack/rules/hosting-compatibility/utf8-locale";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("utf8-locale", () => {
  itJudgesTheAppBuild(rule, ["Dockerfile:1"]);
});
