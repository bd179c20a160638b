/** What the simulator remembers: its cards with their failure counts, one-time codes and the documents it corrupts. */
import { randomInt } from 'node:crypto';
import { simulatedCards, type SimCard } from './businesses.ts';

export interface CardState {
  card: SimCard;
  /** Failed verifications in a row; a success resets it. */
  failures: number;
  locked: boolean;
  /** The code the holder would receive now; used once. */
  otp: string;
}

export interface SimulatorCredentials {
  cardApiKey: string;
  registryKey: string;
  registrySecret: string;
}

/** One call as `GET /__received` lists it: the service, what was asked, never a PIN, a code or a key. */
export interface ReceivedCall {
  service: 'card' | 'registry';
  operation?: string;
  requestId?: string | undefined;
  [detail: string]: unknown;
}

export const newOtp = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

export class SimulatorState {
  cards = new Map<string, CardState>();
  /** `cardNumber\ndocumentId` of documents served with a damaged byte. */
  corrupted = new Set<string>();
  /** NGSP tokens and when they expire (ms since the epoch). */
  tokens = new Map<string, number>();

  constructor() {
    this.reset();
  }

  reset(): void {
    this.cards = new Map(simulatedCards().map((card) => [card.cardNumber, { card, failures: 0, locked: false, otp: newOtp() }]));
    this.corrupted.clear();
    this.tokens.clear();
  }

  cardByTaxCode(taxCode: string): CardState | undefined {
    for (const state of this.cards.values()) if (state.card.taxCode === taxCode) return state;
    return undefined;
  }
}
