/** Set while the agent identity is disabled for a scope (workspace or channel); absent otherwise. */
export interface IdentityDisabled {
  reason: string;
}

/** A folded state that carries the switch: absent means enabled, so older states read as enabled. */
export interface Switchable {
  identityDisabled?: IdentityDisabled;
}

export function withIdentityDisabled<S extends Switchable>(state: S, reason: string): S {
  return { ...state, identityDisabled: { reason } };
}

/** The field is dropped, not set to undefined: a re-enabled state equals one never disabled. */
export function withIdentityEnabled<S extends Switchable>(state: S): S {
  const { identityDisabled: _dropped, ...enabled } = state;
  return enabled as S;
}
