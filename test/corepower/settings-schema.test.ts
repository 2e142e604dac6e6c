import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COREPOWER_SCHEMA } from "../../src/core/corepower/settings.js";
import { PROJECT_ROOT } from "../helpers/repo.js";

describe("corepower settings", () => {
  it("are read against exactly the `corepower` section of the config schema", () => {
    const config = JSON.parse(readFileSync(join(PROJECT_ROOT, "schemas", "config.schema.json"), "utf8"));

    expect(config.properties.corepower).toEqual(JSON.parse(JSON.stringify(COREPOWER_SCHEMA)));
  });
});
