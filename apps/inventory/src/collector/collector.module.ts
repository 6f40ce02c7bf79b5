import { Module } from '@nestjs/common';
import { PluginModule } from '../plugin/plugin.module';
import { SecretModule } from '../secret/secret.module';
import { CollectorRepository } from './collector.repository';
import { CollectorService } from './collector.service';

/** Collectors: their table, CRUD and verify_plugin. Collecting and deleting (which touch jobs) are collect's. */
@Module({
  imports: [PluginModule, SecretModule],
  providers: [CollectorRepository, CollectorService],
  exports: [CollectorRepository, CollectorService],
})
export class CollectorModule {}
