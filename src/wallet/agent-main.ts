// The wallet agent process (agent.ts): forked by `altostream wallet unlock`,
// handed its keys over the IPC channel, it answers on its socket, then
// disconnects from its parent and lives until its timeout or `wallet lock`.
import { serveAgent, type AgentStart } from './agent.js';

process.once('message', (start: AgentStart) => {
  serveAgent(start, () => process.exit(0)).then(
    () => {
      process.send?.({ ok: true });
    },
    (error: unknown) => {
      process.send?.({
        ok: false,
        code: 'agent-failed',
        message: error instanceof Error ? error.message : String(error),
      });
      process.exitCode = 1;
      process.disconnect();
    },
  );
});
