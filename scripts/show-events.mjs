// Prints the last N events of an ENV's change journal, one compact JSON line each (demo helper).
// Usage: node scripts/show-events.mjs ENV [N]
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

const [env, n = '10'] = process.argv.slice(2);
const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
const jsm = await jetstreamManager(nc);
const name = process.env.SECMASTER_STREAM ?? `secmaster-${env}`;
const info = await jsm.streams.info(name);
console.log(`stream ${name}: ${info.state.messages} events, last sequence ${info.state.last_seq}`);
for (let seq = Math.max(info.state.first_seq, info.state.last_seq - Number(n) + 1); seq <= info.state.last_seq; seq++) {
  const msg = await jsm.streams.getMessage(name, { seq });
  const e = msg.json();
  const { market: _m, ...rest } = e;
  console.log(`#${seq} ${JSON.stringify(rest)}`);
}
await nc.close();
