import { healthPathsRouted } from "./health-paths-routed";
import type { Rule } from "../rule";
import { appServerTuned } from "./app-server-tuned";
import { healthChecks } from "./health-checks";
import { logsToStdout } from "./logs-to-stdout";
import { onlyProxyPublished } from "./only-proxy-published";
import { portRespected } from "./port-respected";
import { railwayWatchPatterns } from "./railway-watch-patterns";
import { resourceLimits } from "./resource-limits";
import { utf8Locale } from "./utf8-locale";

export const rules: Rule[] = [
  portRespected,
  healthChecks,
  logsToStdout,
  railwayWatchPatterns,
  onlyProxyPublished,
  appServerTuned,
  utf8Locale,
  resourceLimits,
  healthPathsRouted,
];
