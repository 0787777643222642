import { noDefaultSecretKeys as rule } from "../../../../policies/rules/configuration-hygiene/no-default-secret-keys";
import { BAD_APP, SAMPLE_APP, violationsAt } from "../../../support/app-images";
import { appStack } from "../../../support/app-stack";
import { DOCKER } from "../../../../policies/rules/types";
import { context, resource } from "../../../support/resources";

describe("no-default-secret-keys", () => {
  it("passes the sample app", async () => {
    const result = await rule.check(appStack(SAMPLE_APP), context());
    expect(violationsAt(result, SAMPLE_APP)).toEqual([]);
  });

  it("finds the defects planted in bad-app (konote/settings.py:8, konote/settings.py:9)", async () => {
    const result = await rule.check(appStack(BAD_APP, { envs: [] }), context());
    expect(violationsAt(result, BAD_APP)).toEqual(
      expect.arrayContaining(["konote/settings.py:8", "konote/settings.py:9"]),
    );
  });

  it("cannot verify an app that runs a pushed image", async () => {
    const web = resource(DOCKER.container, "web", {
      image: "ghcr.io/org/app:1.0",
      envs: ["DJANGO_SETTINGS_MODULE=x"],
    });
    const result = await rule.check([web], context());
    expect(result).not.toBe("not-applicable");
    expect(result === "not-applicable" ? [] : result.map((f) => f.kind)).toContain("unverifiable");
  });

  it("does not apply to a stack without an application", async () => {
    expect(await rule.check([], context())).toBe("not-applicable");
  });
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
    const result = await rule.check([docker, azure], context());
    const violations = result === "not-applicable" ? [] : result.filter((f) => f.kind === "violation");
    expect(violations).toHaveLength(2);
    for (const v of violations) expect(v.message).not.toMatch(/django-insecure-abc|kkkk/);
  });
});
