/**
 * The wait-loop deployment: compose-merge's app (Dockerfile, settings, manage.py) deployed by the
 * compose file and start script of test/fixtures/deployments/wait-loop, which wait for the
 * database a bounded time and then carry on.
 */
import * as path from "path";
import { assemble } from "./overlay";
import { FIXTURES_DIR } from "./paths";

const DEPLOYMENTS = path.join(FIXTURES_DIR, "deployments");

export function waitLoopDeployment(): string {
  return assemble({
    name: "wait-loop",
    base: path.join(DEPLOYMENTS, "compose-merge"),
    overlay: path.join(DEPLOYMENTS, "wait-loop"),
    // Its own compose.yaml deploys the app; compose-merge's files would be merged with it.
    without: (file) => file.startsWith("docker-compose"),
  });
}
