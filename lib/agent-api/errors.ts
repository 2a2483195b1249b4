// The error every agent-protocol failure becomes: an HTTP status and a plain-text reason the agent can log.

export class ProtocolError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413,
    message: string,
  ) {
    super(message);
    this.name = "ProtocolError";
  }
}
