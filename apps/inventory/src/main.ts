import { bootstrap } from './bootstrap';
import { runTokenCommand } from './auth/token-command';
import { runSecretKeyCommand } from './secret-key-command';

if (process.argv[2] === 'token') {
  // `node main.js token …`: mint a token and exit (the same binary in every image)
  runTokenCommand(process.argv.slice(3)).catch((error) => {
    console.error(`token: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  });
} else if (process.argv[2] === 'secret-key') {
  // `node main.js secret-key rotate`: re-encrypt every secret under the current key and exit
  runSecretKeyCommand(process.argv.slice(3)).then(
    () => process.exit(0),
    (error) => {
      console.error(`secret-key: ${error instanceof Error ? error.message : error}`);
      process.exit(2);
    },
  );
} else {
  bootstrap()
    .then((inventory) => {
      // SIGTERM / SIGINT: the app stops in order (bootstrap.ts close()), within SHUTDOWN_GRACE_SECONDS
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        const graceMs = inventory.config.shutdownGraceMs;
        setTimeout(() => {
          console.error(`inventory: not stopped ${graceMs / 1000} s after ${signal} (SHUTDOWN_GRACE_SECONDS); exiting now`);
          process.exit(1);
        }, graceMs).unref();
        inventory.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(`inventory: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    })
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
