// The latency client's own process (latency-client-process.ts): runs fixedRateLatencies for each options message
// and answers `{ result }` or `{ error }`; says it is ready with an empty message, and exits when disconnected.
import { fixedRateLatencies, type FixedRateOptions } from './latency-client.js';

process.on('message', (options: FixedRateOptions) => {
  fixedRateLatencies(options).then(
    (result) => process.send!({ result }),
    (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }),
  );
});
process.send!({});
