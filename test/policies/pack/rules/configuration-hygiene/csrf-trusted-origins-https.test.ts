import { csrfTrustedOriginsHttps as rule } from "../../../../../policies/pack/rules/configuration-hygiene/csrf-trusted-origins-https";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("csrf-trusted-origins-https", () => {
  itJudgesTheAppBuild(rule, ["konote/settings.py"]);
});
