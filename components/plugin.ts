/**
 * package.json `main`: what Pulumi's plugin runner loads for `pulumi package add`. It `require`s
 * the package directory, and when the module is a function rather than components it calls it;
 * this one starts AgencyDeployProvider, whose schema marks the secret outputs.
 *
 * Programs never load this file: `import ... from "agency-deploy"` resolves through package.json
 * `exports` (and `types`) to ./index, the library.
 */
import { startPlugin } from "./provider";

export = startPlugin;
