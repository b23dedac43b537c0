/**
 * References between resources: by `urn:uuid:` (or any) fullUrl, by `Type/id` (relative or
 * absolute, with or without `/_history/n`), and `#id` for contained resources. A reference the
 * index cannot resolve is the caller's to report (a `chart-format` finding), never an exception.
 * A Bulk Data export adds resources that stand outside the patient being assembled (a Medication)
 * through `external`, looked up only when a reference needs one.
 */
import { isObj, objects, text, typedId, type Entry, type Obj } from './types.js';

const TYPED = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/** `Type/id` for a reference written as a relative or absolute URL; other references as written. */
export function canonicalRef(ref: string): string {
  if (ref.startsWith('urn:')) return ref;
  const m = TYPED.exec(ref);
  return m ? `${m[1]}/${m[2]}` : ref;
}

/** The resource type a reference names by its form (`Patient/1` is a Patient), if it does. */
export function refType(ref: string): string | undefined {
  const m = ref.startsWith('urn:') ? null : TYPED.exec(ref);
  return m?.[1];
}

/** The `reference` text of a Reference, if it has one (identifier-only references have none). */
export function refText(v: unknown): string | undefined {
  return isObj(v) ? text(v.reference) : undefined;
}

export type ExternalLookup = (key: string) => Entry | undefined;
/** Why a resource outside the input that a reference names (`Type/id`) is not read, if it is there but left out. */
export type NotReadLookup = (key: string) => string | undefined;

export class ResourceIndex {
  private readonly byKey = new Map<string, Entry>();
  private readonly contained = new Map<Entry, Map<string, Entry>>();

  constructor(
    private readonly external?: ExternalLookup,
    private readonly notRead?: NotReadLookup,
  ) {}

  /** Why the resource a Reference names is in the input but not read (a Bulk export's Medication too large), if so. */
  whyNotRead(ref: unknown): string | undefined {
    const r = refText(ref);
    return r === undefined || r.startsWith('#') ? undefined : this.notRead?.(canonicalRef(r));
  }

  /** Indexes an entry; returns the entry already indexed under the same id, if there is one. */
  add(entry: Entry): Entry | undefined {
    const keys = [entry.fullUrl, typedId(entry)].filter((k): k is string => k !== undefined);
    for (const k of keys) {
      const prev = this.byKey.get(k);
      if (prev && prev !== entry) return prev;
    }
    for (const k of keys) this.byKey.set(k, entry);
    return undefined;
  }

  /** The resource a Reference points to, seen from the resource that holds it. */
  resolve(ref: unknown, from: Entry): Entry | undefined {
    const r = refText(ref);
    if (r === undefined) return undefined;
    if (r.startsWith('#')) return this.containedIn(from.container ?? from, r.slice(1));
    const direct = this.byKey.get(r);
    if (direct) return direct;
    const key = canonicalRef(r);
    const hit = this.byKey.get(key);
    if (hit) return hit;
    if (!this.external) return undefined;
    const ext = this.external(key);
    if (ext) this.add(ext);
    return ext;
  }

  /** The resources a root resource contains. */
  containedOf(root: Entry): Entry[] {
    return [...this.containedMap(root).values()];
  }

  /** Contained resources of a root resource, by id ('' is the root itself). */
  private containedIn(root: Entry, id: string): Entry | undefined {
    if (id === '') return root;
    return this.containedMap(root).get(id);
  }

  private containedMap(root: Entry): Map<string, Entry> {
    let map = this.contained.get(root);
    if (!map) {
      map = new Map();
      for (const [res, i] of objects(root.resource.contained)) {
        const cid = text(res.id);
        const type = text(res.resourceType);
        if (cid !== undefined && type !== undefined) map.set(cid, containedEntry(root, res, type, i));
      }
      this.contained.set(root, map);
    }
    return map;
  }
}

function containedEntry(root: Entry, resource: Obj, type: string, i: number): Entry {
  return { resource, type, ptr: `${root.ptr}/contained/${i}`, container: root };
}
