import { machineInfo, type BenchRow } from '../lib/harness.js';
import { benchVerify } from './b4-verify.js';

/**
 * B4, the API key verifier's rows (in-process, SQLite). B11, the cross-process revocation row, needs a
 * PostgreSQL server and spawns two server processes: it is `runRevocationBench(databaseUrl)`, run separately.
 */
export async function runKeyBenches(): Promise<BenchRow[]> {
  return benchVerify(machineInfo());
}
