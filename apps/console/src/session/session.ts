/**
 * Who is signed in. The token lives in this object, in the page's memory only: never in
 * localStorage, sessionStorage or a cookie, so it ends with the tab and no script of another page
 * can read it back.
 */
export interface Session {
  principalId: string;
  token: string;
  expiresAt: string;
  /** With OIDC sign-in: the ID token, the hint of the issuer's end-session request at sign-out. */
  idToken?: string;
}
