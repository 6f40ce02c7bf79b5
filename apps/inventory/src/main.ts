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
      // enableShutdownHooks closes Nest on SIGTERM/SIGINT; the database (and an embedded server) close after it
      const stop = () => void inventory.close().finally(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    })
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
