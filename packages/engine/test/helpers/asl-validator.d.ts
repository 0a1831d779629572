/** asl-validator 4 ships no types. It mutates its argument (adds QueryLanguage): pass a copy. */
declare module 'asl-validator' {
  function validator(
    definition: unknown,
    opts?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: { 'Error code': string; Message: string }[] };
  export = validator;
}
