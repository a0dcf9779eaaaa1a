// The error of a request the server never answered as a signals server: a stable code, and the HTTP status it answered with.
import { SignalsError, type ErrorCode } from '../protocol/errors.js';

/**
 * Why connecting (or a request over HTTP) failed: a stable code, and the HTTP status when the server answered with
 * one (a refused upgrade, e.g. 404 for a wrong path); undefined when nothing answered at all.
 */
export class ConnectError extends SignalsError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly httpStatus: number | undefined,
  ) {
    super(code, message);
    this.name = 'ConnectError';
  }
}
