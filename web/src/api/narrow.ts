// Readers for the responses the OpenAPI document does not type yet (routes without a
// response model: the seat map, one order, tickets, check-in, token refresh...). They
// check at run time what the call site needs instead of declaring a type by hand; each
// use goes away when its route gets a response model and the generated type covers it.
export type Json = Record<string, unknown>;

export function record(value: unknown, what = "response"): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${what}: expected an object`);
  }
  return value as Json;
}

export function list(value: unknown, what = "response"): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${what}: expected a list`);
  return value;
}

export function text(source: Json, key: string): string {
  const value = source[key];
  if (typeof value !== "string") throw new TypeError(`${key}: expected a string`);
  return value;
}

export function maybeText(source: Json, key: string): string | null {
  const value = source[key];
  return typeof value === "string" ? value : null;
}

export function int(source: Json, key: string): number {
  const value = source[key];
  if (typeof value !== "number") throw new TypeError(`${key}: expected a number`);
  return value;
}

export function flag(source: Json, key: string): boolean {
  return source[key] === true;
}

export function texts(source: Json, key: string): string[] {
  const value = source[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
