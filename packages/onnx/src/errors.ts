/** A node names an operator domain whose opset version the encoder was not given and does not know. */
export class UnknownDomainError extends Error {
  constructor(readonly domain: string) {
    super(`no opset version for operator domain '${domain}': pass it in ModelOptions.domainOpsets`);
    this.name = 'UnknownDomainError';
  }
}
