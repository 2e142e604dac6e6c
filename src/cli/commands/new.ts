import { resolve } from "node:path";
import { FsConfigSource } from "../../adapters/fs-source.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { createQueue } from "../../app/new-queue.js";
import { UsageError } from "../../core/errors.js";
import { renderProblemsText } from "../../core/render/problems.js";
import { parseCommandArgs } from "../args.js";
import { type CliIo, styleFor } from "../io.js";

export async function newCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      site: { type: "string" },
      from: { type: "string" },
      corepower: { type: "string" },
      root: { type: "string" },
    },
    true,
  );
  const [what, name, ...extra] = positionals;
  if (what !== "queue")
    throw new UsageError("`siteops new` scaffolds queues: siteops new queue <NAME> --site <SITE>.");
  if (!name || extra.length > 0)
    throw new UsageError("give exactly one queue name: siteops new queue <NAME> --site <SITE>.");
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    throw new UsageError(
      `queue name \`${name}\` may contain only letters, digits, \`_\` and \`-\`, starting with a letter or digit.`,
    );
  }
  if (!values.site) throw new UsageError("--site is required: the ATLAS site the queue belongs to.");
  const corepower = values.corepower === undefined ? undefined : Number(values.corepower);
  if (corepower !== undefined && !(corepower > 0 && corepower < 100)) {
    throw new UsageError(
      `--corepower must be a number of HS23 per core between 0 and 100, not \`${values.corepower}\`.`,
    );
  }
  const result = await createQueue({
    source: new FsConfigSource(resolve(io.cwd, values.root ?? ".")),
    schemas: new FsSchemaSource(),
    name,
    site: values.site,
    date: io.now().toISOString().slice(0, 10),
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(corepower !== undefined ? { corepower } : {}),
  });
  if (result.written) {
    io.stdout(`created ${result.path}; it validates. Review it, add its CEs, and open a pull request.\n`);
    return 0;
  }
  io.stderr(`not written: ${result.path} would not validate:\n`);
  io.stderr(
    renderProblemsText(
      {
        valid: false,
        counts: { clouds: 0, sites: 0, queues: 1, ddmendpoints: 0 },
        problems: result.problems,
      },
      styleFor(io, io.stderrIsTty),
    ),
  );
  const needsCorepower = result.problems.some((p) => p.code === "corepower-undefined");
  if (needsCorepower)
    io.stderr("Hint: pass --corepower N (HS23 per core) or set queue_defaults.corepower on the site.\n");
  return 1;
}
