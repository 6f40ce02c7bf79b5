import { Module } from '@nestjs/common';
import { PluginClients } from './plugin-clients';
import { PluginRegistryRepository } from './plugin-registry.repository';
import { PluginRegistryService } from './plugin-registry.service';
import { PluginGrpcController } from './plugin.grpc-controller';
import { PluginHttpController } from './plugin.http-controller';

@Module({
  controllers: [PluginGrpcController, PluginHttpController],
  providers: [PluginRegistryRepository, PluginRegistryService, PluginClients],
  exports: [PluginRegistryService, PluginClients],
})
export class PluginModule {}
