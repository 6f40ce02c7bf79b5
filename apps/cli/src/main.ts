import { run } from './cli';

void run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
  // let stdout drain before the process ends (a pipe may still hold the output)
  process.exitCode = code;
});
