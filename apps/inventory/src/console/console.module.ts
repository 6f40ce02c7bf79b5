import { Module } from '@nestjs/common';
import { ConsoleFiles } from './console-files';
import { ConsoleHttpController } from './console.http-controller';

/** The web console (/console/): static files that call the HTTP API from the browser. */
@Module({
  controllers: [ConsoleHttpController],
  providers: [{ provide: ConsoleFiles, useFactory: () => new ConsoleFiles() }],
})
export class ConsoleModule {}
