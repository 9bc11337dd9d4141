// B10's peer process: node-casbin holding the seed world's role bindings as `g` rows (bench/access/peer-casbin.ts's
// model), bundled and started by casbin-holder-process.ts on plain `node` so that no loader sits in its RSS.
// Argument: the world's sizes as JSON. Prints one JSON line once loaded, then idles until killed.
import { casbinFromWorld } from '../access/peer-casbin.js';
import { seedWorld } from '../lib/seed-world.js';

type Sizes = Parameters<typeof seedWorld>[0];

async function hold(sizes: Sizes): Promise<void> {
  const enforcer = await casbinFromWorld(seedWorld(sizes));
  // Read off the model: getGroupingPolicy() spreads every row into one call and overflows the stack at 1M rows.
  const groupingRows = enforcer.getModel().model.get('g')?.get('g')?.policy.length ?? 0;
  setInterval(() => enforcer.getModel(), 1 << 30);
  process.stdout.write(`${JSON.stringify({ groupingRows })}\n`);
}

void hold(JSON.parse(process.argv[2]!) as Sizes);
