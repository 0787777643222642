import * as path from "path";
import { contextRelative, noteContextRoot } from "../../../policies/pack/context-paths";

describe("locations leave the pack relative to their build context", () => {
  const root = path.resolve("/srv/builds/app");
  noteContextRoot(root);
  noteContextRoot(path.join(root, "proxy"));

  it("makes a file relative to the deepest context holding it", () => {
    expect(contextRelative(path.join(root, "config", "settings", "base.py"))).toBe("config/settings/base.py");
    expect(contextRelative(path.join(root, "proxy", "Caddyfile"))).toBe("Caddyfile");
  });

  it("drops the context itself (the finding's resource says which) and keeps only the name elsewhere", () => {
    expect(contextRelative(root)).toBeUndefined();
    expect(contextRelative(path.resolve("/home/someone/Dockerfile"))).toBe("Dockerfile");
    expect(contextRelative("Dockerfile")).toBe("Dockerfile");
  });
});
