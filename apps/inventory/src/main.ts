import { bootstrap } from './bootstrap';

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
