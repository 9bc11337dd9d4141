/** `attributes` / `excludedAttributes` of a request (RFC 7644 §3.4.2.5, §3.9): comma-separated attribute paths. */
export interface ScimProjection {
  attributes?: string | undefined;
  excludedAttributes?: string | undefined;
}

/** A resource's schema URNs: a path may carry the core URN as a prefix; an extension's attributes come as its object. */
export interface ResourceUrns {
  core: string;
  extensions?: readonly string[];
}

/** Returned whatever a request asks (RFC 7643 §7, `returned: "always"`). */
const ALWAYS = new Set(['id', 'schemas']);

/** The top-level name a path selects, lower-cased: `name.givenName` → `name`, an extension's attribute → the extension. */
function topLevel(path: string, urns: ResourceUrns): string {
  const lower = path.toLowerCase();
  for (const extension of urns.extensions ?? []) {
    const urn = extension.toLowerCase();
    if (lower === urn || lower.startsWith(`${urn}:`)) return urn;
  }
  const core = `${urns.core.toLowerCase()}:`;
  return (lower.startsWith(core) ? lower.slice(core.length) : lower).split('.', 1)[0]!;
}

function names(list: string | undefined, urns: ResourceUrns): Set<string> | undefined {
  const paths = (list ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return paths.length === 0 ? undefined : new Set(paths.map((p) => topLevel(p, urns)));
}

/** Whether a request wants this top-level attribute (so that, say, a group's members need not be read). */
export function wantsAttribute(projection: ScimProjection, name: string, urns: ResourceUrns): boolean {
  const key = name.toLowerCase();
  if (ALWAYS.has(key)) return true;
  const wanted = names(projection.attributes, urns);
  if (wanted) return wanted.has(key);
  return !(names(projection.excludedAttributes, urns)?.has(key) ?? false);
}

/** The resource with only the top-level attributes the request wants. */
export function projectAttributes(resource: Record<string, unknown>, projection: ScimProjection, urns: ResourceUrns): Record<string, unknown> {
  if (names(projection.attributes, urns) === undefined && names(projection.excludedAttributes, urns) === undefined) return resource;
  return Object.fromEntries(Object.entries(resource).filter(([name]) => wantsAttribute(projection, name, urns)));
}
