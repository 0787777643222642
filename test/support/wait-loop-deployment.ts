/**
 * The wait-loop deployment: compose-merge's app (Dockerfile, settings, manage.py) deployed by the
 * compose file and start script of test/fixtures/deployments/wait-loop, which wait for the
 * database a bounded time and then carry on.
 */
import * as fs from "fs";
import * as path from "path";
import { assemble } from "./overlay";
import { FIXTURES_DIR } from "./paths";

const DEPLOYMENTS = path.join(FIXTURES_DIR, "deployments");

/** compose-merge's app under wait-loop's own compose.yaml (compose-merge's would be merged with it). */
const WAIT_LOOP = {
  base: path.join(DEPLOYMENTS, "compose-merge"),
  overlay: path.join(DEPLOYMENTS, "wait-loop"),
  without: (file: string) => file.startsWith("docker-compose"),
};

export function waitLoopDeployment(): string {
  return assemble({ name: "wait-loop", ...WAIT_LOOP });
}

/** The same deployment with no service setting ALLOWED_HOSTS, which the settings require. */
export function waitLoopWithoutAllowedHosts(): string {
  return assemble({
    name: "wait-loop-without-hosts",
    ...WAIT_LOOP,
    edit: (dir) => {
      const compose = path.join(dir, "compose.yaml");
      fs.writeFileSync(compose, fs.readFileSync(compose, "utf8").replace(/^ +ALLOWED_HOSTS: .*\n/gm, ""));
    },
  });
}
