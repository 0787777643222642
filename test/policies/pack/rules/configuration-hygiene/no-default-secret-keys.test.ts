import { noDefaultSecretKeys as rule } from "../../../../../policies/pack/rules/configuration-hygiene/no-default-secret-keys";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { context, resource, judge } from "../../../../support/resources";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("no-default-secret-keys", () => {
  itJudgesTheAppBuild(rule, ["konote/settings.py:8", "konote/settings.py:9"]);
});

describe("no-default-secret-keys on deployed values", () => {
  it("faults a placeholder SECRET_KEY without echoing it, and a plain Azure value instead of a secretRef", async () => {
    const docker = resource(DOCKER.container, "web", {
      image: "ghcr.io/a/b:1",
      command: ["gunicorn", "x.wsgi"],
      envs: ["SECRET_KEY=django-insecure-abc"],
    });
    const azure = resource("azure-native:app:ContainerApp", "app", {
      template: {
        containers: [
          {
            image: "x",
            env: [
              { name: "SECRET_KEY", value: "k".repeat(50) },
              { name: "FIELD_ENCRYPTION_KEY", secretRef: "fek" },
            ],
          },
        ],
      },
    });
    const result = await judge(rule, [docker, azure], context());
    const violations = result === "not-applicable" ? [] : result.filter((f) => f.kind === "violation");
    expect(violations).toHaveLength(2);
    for (const v of violations) expect(v.message).not.toMatch(/django-insecure-abc|kkkk/);
  });
});
