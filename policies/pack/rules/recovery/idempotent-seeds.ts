/**
 * RC-3: seed commands use get_or_create / update_or_create, with no guard
 * that silently skips the whole seed (`if X.objects.exists(): return`).
 */
import { inContext, type StackRule } from "../rule";
import { violation } from "../rule";
import { judgeBuilds, NOT_APPLICABLE } from "../rule";
import { APP_BUILD_TYPES } from "../types";

export const idempotentSeeds: StackRule = {
  id: "RC-3",
  policy: "idempotent-seeds",
  category: "recovery",
  severity: "low",
  title: "Seed commands are not idempotent",
  description: "Seeds use get_or_create / update_or_create, with no guards that skip silently.",
  impact: "Re-running a release duplicates data or silently skips needed rows.",
  fix: "Rewrite seeds with update_or_create keyed on a natural key; log what was created.",
  verify: "python manage.py seed && python manage.py seed   # second run changes nothing",
  scope: "stack",
  types: APP_BUILD_TYPES,
  severityReason:
    "A duplicated reference row is a data-quality problem found and fixed after the fact; a guard that " +
    "skips a half-seeded database hides missing rows. Neither stops the app or loses data.",
  check: (deployment) => {
    // Only the seeds the deployment runs (release steps, the start script) are the release's seeds.
    const plans = deployment.plans;
    const run = new Set(plans.flatMap((plan) => plan.steps.flatMap((step) => step.manageCommand ?? [])));
    const unknown = plans.length === 0 || plans.some((plan) => plan.unverifiable !== null);
    let judged = 0;
    const result = judgeBuilds(deployment, ["seed-commands"], ({ facts }) =>
      facts.seedCommands
        .filter((seed) => unknown || run.has(seed.command))
        .flatMap((seed) => {
          judged += 1;
          return [
            ...seed.silentGuards.map((guard) =>
              violation(
                `The seed command "${seed.command}" skips its work when some data already exists, so missing rows are never ` +
                  "added and nobody is told. Use get_or_create / update_or_create per row instead.",
                inContext(facts, guard),
              ),
            ),
            ...seed.plainCreates.map((create) =>
              violation(
                `The seed command "${seed.command}" creates rows with create() and no check that they exist: running the ` +
                  "release twice duplicates them. Use get_or_create / update_or_create.",
                inContext(facts, create),
              ),
            ),
          ];
        }),
    );
    if (result !== NOT_APPLICABLE && result.length === 0 && judged === 0) return NOT_APPLICABLE;
    return result;
  },
};
