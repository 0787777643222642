/** Every rule of categories 4-7 takes odd shapes and unknown values without throwing. */
import { rules as ch } from "../../../../../policies/pack/rules/configuration-hygiene";
import { rules as hc } from "../../../../../policies/pack/rules/hosting-compatibility";
import { rules as rc } from "../../../../../policies/pack/rules/recovery";
import { rules as sf } from "../../../../../policies/pack/rules/static-files";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { AZURE, DOCKER } from "../../../../../policies/pack/rules/types";
import { context, resource, judge } from "../../../../support/resources";

const odd: Record<string, unknown>[] = [
  {},
  { image: UNKNOWN, envs: UNKNOWN, command: UNKNOWN, healthcheck: UNKNOWN, ports: UNKNOWN, volumes: UNKNOWN },
  {
    image: 3,
    envs: [null, 4, "=x", "A"],
    command: [1, null],
    ports: [null, { internal: "x" }],
    healthcheck: { tests: "pg_isready" },
  },
  { template: { containers: UNKNOWN }, configuration: { ingress: "x" } },
  { template: { containers: [{ env: [{}, null], probes: [null, { type: 3 }], resources: UNKNOWN }] } },
  { build: { context: UNKNOWN }, backup: "x" },
];

describe("rules of categories 4-7 on malformed and unknown properties", () => {
  it.each([...ch, ...sf, ...rc, ...hc].map((r) => [r.id, r] as const))(
    "%s never throws",
    async (_id, rule) => {
      for (const props of odd) {
        for (const type of [
          DOCKER.container,
          DOCKER.image,
          DOCKER.volume,
          AZURE.containerApp,
          AZURE.job,
          AZURE.postgresServer,
          AZURE.managedEnvironment,
        ]) {
          const r = resource(type, "x", props);
          const result = rule.scope === "resource" ? judge(rule, r, context()) : judge(rule, [r], context());
          await expect(Promise.resolve(result)).resolves.toBeDefined();
        }
      }
    },
  );
});
