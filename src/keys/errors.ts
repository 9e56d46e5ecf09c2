/** A change that contradicts what is stored: a team name in use, a team that still has keys. */
export class KeyConflictError extends Error {
  override readonly name = 'KeyConflictError';
  readonly code: 'team_name_taken' | 'team_has_keys';

  constructor(code: KeyConflictError['code'], message: string) {
    super(message);
    this.code = code;
  }
}
