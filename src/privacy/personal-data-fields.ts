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
 * word "phone" is fine).
 */
export function findPersonalDataPath(value: unknown, path = '$'): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findPersonalDataPath(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (PERSONAL_DATA_KEYS.has(key) && child !== null && child !== undefined) return `${path}.${key}`;
      const found = findPersonalDataPath(child, `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
