/** Object globs over `<CLOUD>/<SITE>/<NAME>`: `*` stays within one segment, `**` crosses segments. */
export function matchObjectGlob(glob: string, path: string): boolean {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (c === "*") source += "[^/]*";
    else source += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}(/.*)?$`).test(path);
}

/**
 * Field globs over diff paths (`maxrss`, `queues[ce1.cern.ch:9619].ce_state`): `*` matches any
 * characters; a path without wildcards also covers its parts, so `contacts` allows
 * `contacts[a@b.org].roles` and `catchall` allows `catchall.jobseed`.
 */
export function matchFieldGlob(glob: string, path: string): boolean {
  if (glob === "**" || glob === "*") return true;
  if (!glob.includes("*")) return path === glob || path.startsWith(`${glob}.`) || path.startsWith(`${glob}[`);
  const source = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`).test(path);
}
