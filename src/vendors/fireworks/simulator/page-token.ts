/**
 * AIP-158 page tokens. A token is opaque to clients: base64url of `{v, c, o, f, s}` (version,
 * collection, offset, and digests of the `filter` and `orderBy` it was issued for) followed by
 * '.' and an HMAC of that payload. Reusing a token with another filter or order, on another
 * collection, or after altering it, is INVALID_ARGUMENT, as AIP-158 asks ("all other
 * parameters ... must match the call that provided the page token"). `pageSize` and `readMask`
 * may change between pages. Offsets are enough because the simulator's data never changes.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from './invalid-argument.js';

/** What a token is bound to. */
export interface PageTokenBinding {
  /** The list operation, e.g. `ListBatchJobs`. */
  collection: string;
  filter: string;
  orderBy: string;
}

/** Encodes and checks page tokens with one secret. */
export interface PageTokenCodec {
  /** Returns the token for the page starting at `offset`. */
  encode(binding: PageTokenBinding, offset: number): string;
  /** Returns the offset a token stands for; throws `InvalidArgumentError` on any misuse. */
  decode(token: string, binding: PageTokenBinding): number;
}

interface Payload {
  v: 1;
  c: string;
  o: number;
  f: string;
  s: string;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/** Creates a codec whose tokens only it accepts (a deterministic secret keeps tokens stable). */
export function createPageTokenCodec(secret: string): PageTokenCodec {
  const sign = (payload: string) =>
    createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22);
  return {
    encode(binding, offset) {
      const payload: Payload = {
        v: 1,
        c: binding.collection,
        o: offset,
        f: digest(binding.filter),
        s: digest(binding.orderBy),
      };
      const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${encoded}.${sign(encoded)}`;
    },
    decode(token, binding) {
      const malformed = new InvalidArgumentError(
        `page_token is malformed or was not issued by ${binding.collection}: use the nextPageToken of a previous ${binding.collection} response unchanged, got "${token}"`,
      );
      const [encoded = '', signature = '', ...rest] = token.split('.');
      if (rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(encoded)) throw malformed;
      const expected = Buffer.from(sign(encoded));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw malformed;
      const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Payload;
      if (
        payload.v !== 1 ||
        payload.c !== binding.collection ||
        !Number.isInteger(payload.o) ||
        payload.o < 0
      ) {
        throw malformed;
      }
      if (payload.f !== digest(binding.filter)) {
        throw new InvalidArgumentError(
          `page_token was issued for a different filter than "${binding.filter}"; when paginating, filter and order_by must match the call that provided the page token`,
        );
      }
      if (payload.s !== digest(binding.orderBy)) {
        throw new InvalidArgumentError(
          `page_token was issued for a different order_by than "${binding.orderBy}"; when paginating, filter and order_by must match the call that provided the page token`,
        );
      }
      return payload.o;
    },
  };
}
