/** The instance the Docker component tests deploy: agency "riverside" on the fixture app. */
import * as path from "path";
import type { AgencyInstanceArgs } from "../../components/args";
import { FIXTURES_DIR } from "./paths";

export const APP_CONTEXT = path.join(FIXTURES_DIR, "docker-instance", "app");

export function riversideArgs(overrides: Partial<AgencyInstanceArgs> = {}): AgencyInstanceArgs {
  return {
    agency: "riverside",
    domains: ["riverside.example.org"],
    image: { context: APP_CONTEXT },
    ...overrides,
  };
}
