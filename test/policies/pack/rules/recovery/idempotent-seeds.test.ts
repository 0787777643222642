import { idempotentSeeds as rule } from "../../../../../policies/pack/rules/recovery/idempotent-seeds";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("idempotent-seeds", () => {
  itJudgesTheAppBuild(rule, ["apps/programs/management/commands/seed_data.py:8"]);
});
