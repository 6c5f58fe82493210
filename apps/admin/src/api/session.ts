import type { TokenPair } from '@mtr/api-contracts';

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms after which the access token is expired (informative: the API decides). */
  expiresAt: number;
}

/** Why the user is on the sign-in page: shown as a message there. */
export type SignedOutReason = 'expired' | 'signed_out' | 'signed_out_everywhere' | null;

interface Snapshot {
  session: Session | null;
  reason: SignedOutReason;
}

const KEY = 'mtr2.session';

/**
 * The tokens of this tab. Kept in sessionStorage: a reload keeps the session, closing the tab
 * ends it, and two tabs never share (and so never race to rotate) one refresh token.
 */
export class SessionStore {
  private snapshot: Snapshot;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: Storage | null = typeof sessionStorage === 'undefined' ? null : sessionStorage) {
    this.snapshot = { session: this.read(), reason: null };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Snapshot => this.snapshot;

  get session(): Session | null {
    return this.snapshot.session;
  }

  /** Stores a new pair (sign-in, or a refresh: the previous refresh token is spent). */
  signedIn(pair: TokenPair, now = Date.now()): void {
    const session = { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: now + pair.expiresIn * 1000 };
    this.storage?.setItem(KEY, JSON.stringify(session));
    this.emit({ session, reason: null });
  }

  signedOut(reason: Exclude<SignedOutReason, null>): void {
    this.storage?.removeItem(KEY);
    this.emit({ session: null, reason });
  }

  /** The sign-in page has shown the reason. */
  acknowledge(): void {
    if (this.snapshot.reason) this.emit({ ...this.snapshot, reason: null });
  }

  private emit(next: Snapshot): void {
    this.snapshot = next;
    for (const l of this.listeners) l();
  }

  private read(): Session | null {
    try {
      const raw = this.storage?.getItem(KEY);
      if (!raw) return null;
      const s = JSON.parse(raw) as Partial<Session>;
      return typeof s.accessToken === 'string' && typeof s.refreshToken === 'string'
        ? { accessToken: s.accessToken, refreshToken: s.refreshToken, expiresAt: Number(s.expiresAt) || 0 }
        : null;
    } catch {
      return null;
    }
  }
}
