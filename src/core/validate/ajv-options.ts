/** Annotation keywords siteops reads from the schemas (units, identities, inheritance, ...). */
export const SCHEMA_ANNOTATIONS = ["x-unit", "x-inheritable", "x-identity", "x-order", "x-diff", "x-format"];

/** One set of ajv options for the run-time compiler and the build-time standalone code. */
export const AJV_OPTIONS = { allErrors: true, strict: true, strictTypes: false, verbose: true } as const;
