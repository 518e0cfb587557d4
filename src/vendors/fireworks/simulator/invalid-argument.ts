/**
 * The one exception the request parsers throw: a caller error that the simulator answers with
 * 400 INVALID_ARGUMENT and this message.
 */
export class InvalidArgumentError extends Error {
  override readonly name = 'InvalidArgumentError';
}
