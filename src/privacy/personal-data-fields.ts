/**
 * The object keys under which Services payloads (and our records derived from them) carry
 * personal data: the buyer, the service address and phone, and the times a technician will
 * be at that address. Redaction and the store's "no personal data here" guards both use it.
 */
export const PERSONAL_DATA_KEYS: ReadonlySet<string> = new Set([
  // Services wire shapes
  'buyer',
  'serviceLocation',
  'address',
  'addressLine1',
  'addressLine2',
  'addressLine3',
  'phone',
  'preferredAppointmentTimes',
  'appointmentTime',
  'linkedAssets',
  'payments',
  // fieldplan records
  'personal',
  'buyerName',
  'buyerPhone',
  'serviceAddress',
]);

/**
 * The path of the first personal-data key inside `value`, or undefined when there is none.
 * Values are walked, not stringified, so only keys count (an id that happens to contain the
 * word "phone" is fine). The walk keeps its own stack (depth-first, in key order) and builds
 * the path only for the key it finds, so any depth is fine.
 */
export function findPersonalDataPath(value: unknown, path = '$'): string | undefined {
  interface Step {
    value: unknown;
    segment: string;
    parent: Step | undefined;
    personal: boolean;
  }
  const pathOf = (step: Step): string => {
    const parts: string[] = [];
    for (let s: Step | undefined = step; s !== undefined; s = s.parent) parts.push(s.segment);
    return parts.reverse().join('');
  };
  const seen = new WeakSet<object>();
  const stack: Step[] = [{ value, segment: path, parent: undefined, personal: false }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (step.personal) return pathOf(step);
    const v = step.value;
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    const children: Step[] = Array.isArray(v)
      ? v.map((child: unknown, i) => ({ value: child, segment: `[${i}]`, parent: step, personal: false }))
      : Object.entries(v).map(([key, child]) => ({
          value: child,
          segment: `.${key}`,
          parent: step,
          personal: PERSONAL_DATA_KEYS.has(key) && child !== null && child !== undefined,
        }));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}
