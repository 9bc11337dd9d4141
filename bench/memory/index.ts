import { accountSizes, WARM_GETS, type Account } from '../accounts/account.js';
import type { BenchRow, MachineInfo } from '../lib/harness.js';
import type { CasbinHolder } from './casbin-holder-process.js';

const ABSOLUTE_TARGET_MB = 200;
const CASBIN_RATIO_TARGET = 0.5;

/** bench-plan.md's memory size: 100k users (1M bindings, 20k keys: accounts/account.ts); `--small`: 10k. */
export function memoryUsers(small: boolean): number {
  return small ? 10_000 : 100_000;
}

export interface MemoryReadings {
  /** The account's server (built dist/, its own process, SQLite) after its snapshot loaded and WARM_GETS GETs. */
  account: Account;
  /** Its RSS before its first request, after forced full GCs and the quiet spell. */
  floorMb: number;
  /** node-casbin holding the same bindings as `g` rows in a process of its own, and its RSS read beside the server's. */
  casbin: CasbinHolder;
  casbinRss: { now: number; collected: number };
  /** An idle `node -e`'s RSS after the same quiet spell. */
  idleMb: number;
  machine: MachineInfo;
  /** When the memory and growth group started (Date.now()). */
  started: number;
}

/**
 * B10: the server's RSS holding the access snapshot of an account of 100k users, 1M role bindings and 20k API keys,
 * beside an idle `node -e` and beside node-casbin holding the same bindings. Every process is read after forced full
 * collections (remote-gc.ts) and the same quiet spell, so none is billed for the garbage of its load
 * (accounts/index.ts takes the readings).
 */
export function memoryRows(r: MemoryReadings): BenchRow[] {
  const { account, casbin } = r;
  const { sizes, keys } = accountSizes(account.users);
  const count = (n: number) => n.toLocaleString('en-US');
  const data = `${count(sizes.users)} users, ${count(sizes.bindings)} role bindings, ${count(keys + 4)} API keys, `
    + `${sizes.organizations} orgs, ${count(sizes.spaces)} spaces, ${count(sizes.spaces * sizes.projectsPerSpace)} projects; SQLite; `
    + `seeded in ${account.seedSeconds.toFixed(1)} s (bindings in bulk; casbin loading beside it); VmRSS from /proc/<pid>/status after `
    + `forced full GCs (remote-gc.ts) and a quiet spell of 32 s (V8's memory reducer) in every process; server: `
    + `${r.floorMb.toFixed(1)} MB before its first request, its first MEMBER GET waited ${Math.round(account.firstRequestMs)} ms for the `
    + `snapshot load, then ${WARM_GETS} more GETs (${account.rss.now.toFixed(1)} MB right after them); casbin: `
    + `${count(casbin.groupingRows)} g rows loaded in ${(casbin.loadMs / 1000).toFixed(1)} s on plain node (${r.casbinRss.now.toFixed(1)} MB `
    + `right after); idle node -e ${r.idleMb.toFixed(1)} MB; the server runs the built dist/ with no TypeScript loader; `
    + `the memory and growth group (one seeding of this account for B10 and B12) took ${Math.round((Date.now() - r.started) / 1000)} s`;
  const subject = 'server RSS holding the access snapshot of the account';
  const mb = account.rss.collected;
  return [
    {
      id: 'B10', subject, peer: 'node-casbin holding the same bindings as g rows, RSS',
      subject_value: mb, peer_value: r.casbinRss.collected, ratio: mb / r.casbinRss.collected,
      target: `≤ ${CASBIN_RATIO_TARGET}× casbin's RSS`, pass: mb / r.casbinRss.collected <= CASBIN_RATIO_TARGET,
      unit: 'MB', machine: r.machine, data,
    },
    {
      id: 'B10-abs', subject, peer: 'idle `node -e` RSS',
      subject_value: mb, peer_value: r.idleMb, ratio: mb / r.idleMb, target: `≤ ${ABSOLUTE_TARGET_MB} MB absolute`,
      pass: mb <= ABSOLUTE_TARGET_MB, unit: 'MB', machine: r.machine, data,
    },
  ];
}
