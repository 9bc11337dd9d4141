import type { BenchRow, MachineInfo, Stats } from '../lib/harness.js';
import { SETTINGS_TEXT } from './settings.js';

export interface RoundsRowInput {
  id: string;
  subject: string;
  peer: string;
  unit: string;
  subjectStats: Stats;
  peerStats: Stats;
  /** How the target reads the two medians (e.g. subject ÷ peer). */
  ratio: (subject: number, peer: number) => number;
  target: string;
  /** PASS, MISS, or null for a row printed for information. */
  pass: (ratio: number) => boolean | null;
  machine: MachineInfo;
  /** Data size and row-specific settings; the rounds and each side's min–max are appended. */
  data: string;
}

const range = (s: Stats) => `${format(s.min)}–${format(s.max)}`;

function format(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : Number(n.toPrecision(3)).toString();
}

/** A row from alternated rounds: the true medians, the spreads, and min–max of each side in `data`. */
export function roundsRow(input: RoundsRowInput): BenchRow {
  const s = input.subjectStats;
  const p = input.peerStats;
  const ratio = input.ratio(s.median, p.median);
  return {
    id: input.id, subject: input.subject, peer: input.peer, subject_value: s.median, peer_value: p.median, ratio,
    target: input.target, pass: input.pass(ratio), unit: input.unit, machine: input.machine,
    data: `${input.data}; ${SETTINGS_TEXT}; subject ${range(s)}, peer ${range(p)} ${input.unit}`,
    subject_spread: s.spread, peer_spread: p.spread,
  };
}
